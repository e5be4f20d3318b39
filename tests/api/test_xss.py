"""Customer text and scraped values are rendered as text, never as HTML (labels and table cells, no ui.html)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from nicegui import ui
from nicegui.testing import User

from lookup import cache
from lookup.db import session_scope
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Evidence, Gearbox, LookupResult, OemCandidate, Vehicle
from lookup.settings import get_settings
from tests.api.conftest import World, bearer, log_in, random_vin

pytestmark = pytest.mark.asyncio(loop_scope='module')

SCRIPT = '<script>alert("xss")</script>'
IMG = '<img src=x onerror=alert(2)>'


def hostile_result(vin: str) -> LookupResult:
    result = LookupResult(query=vin, id_type='VIN', outcome=Outcome.FOUND,
                          vehicle=Vehicle(make='VW', model=f'Golf {SCRIPT}', year='2010'),
                          gearbox=Gearbox(model=IMG, raw_model=f'{IMG} {SCRIPT}', factory_code='KCK', oem='09G300035M',
                                          oem_status=OemStatus.FOUND,
                                          oem_candidates=[OemCandidate(oem='09G300035M', name=f'АКПП {IMG}')]),
                          evidence=Evidence(source='podzamenu', final_url='http://sandbox/x', duration_ms=1000))
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{vin}', result=result, settings=get_settings())
    return result


def assert_shown_as_text(user: User, payload: str, *, at_least: int = 1) -> None:
    """Every element carrying the payload shows it as text: a label's text or a table cell, never HTML."""
    carriers = []
    for el in user.client.elements.values():
        assert not isinstance(el, ui.html | ui.markdown) or payload not in str(el.content), el
        assert payload not in str(el.props.get('innerHTML', '')), el
        for slot in el.slots.values():
            template = slot.template or ''
            assert 'v-html' not in template and 'innerHTML' not in template, el
        text = getattr(el, 'text', None)
        if isinstance(text, str) and payload in text:
            assert isinstance(el, ui.label | ui.link | ui.badge), el
            carriers.append(el)
        elif isinstance(el, ui.table) and payload in str(el.rows):
            carriers.append(el)
    assert len(carriers) >= at_least, f'{payload!r} not shown'


async def test_message_text_and_customer_name_are_text(visitor: Callable[[], User], api: httpx.AsyncClient,
                                                       world: World) -> None:
    body = {'channel': 'telegram', 'external_chat_id': f'xss-{random_vin()}', 'external_message_id': '1',
            'customer_name': f'Имя {IMG}', 'text': f'Привет {SCRIPT} {IMG}'}
    r = await api.post('/api/inbound/messages', json=body, headers=bearer(world.a.members['manager'].token))
    assert r.status_code == 201
    user = await log_in(visitor(), world.a.members['viewer'])  # lands on the conversation list, newest first
    table = user.find(marker='conversations').elements.pop()
    assert_shown_as_text(user, SCRIPT)
    assert any(SCRIPT in row['last'] for row in table.rows)
    await user.open(f'/conversations/{r.json()["message"]["conversation_id"]}')
    await user.should_see(body['text'])
    assert_shown_as_text(user, SCRIPT)
    assert_shown_as_text(user, IMG, at_least=2)  # message and customer name


async def test_scraped_values_are_text_in_the_case_card_and_the_cache_table(visitor: Callable[[], User],
                                                                            api: httpx.AsyncClient,
                                                                            world: World) -> None:
    vin = random_vin()
    hostile_result(vin)
    body = {'channel': 'telegram', 'external_chat_id': f'xss-{vin}', 'external_message_id': '1',
            'text': 'Нужна коробка'}
    r = await api.post('/api/inbound/messages', json=body, headers=bearer(world.a.members['manager'].token))
    user = await log_in(visitor(), world.a.members['manager'])
    await user.open(f'/conversations/{r.json()["message"]["conversation_id"]}')
    user.find(marker='lookup-button').click()
    user.find(marker='lookup-value').type(vin)
    user.find(marker='lookup-submit').click()
    await user.should_see(marker='case-completed', retries=50)
    vehicle = [el for el in user.find(marker='case-vehicle').elements if SCRIPT in el.text]
    assert vehicle and all(isinstance(el, ui.label) for el in vehicle)
    gearbox = [el for el in user.find(marker='case-gearbox').elements if el.text == IMG]
    assert gearbox and all(isinstance(el, ui.label) for el in gearbox)
    assert_shown_as_text(user, SCRIPT, at_least=2)  # vehicle model and raw gearbox text
    assert_shown_as_text(user, IMG, at_least=3)  # gearbox model, raw text, candidate name

    await user.open('/cache')
    user.find(marker='cache-search').type(vin)
    table = user.find(marker='cache-table').elements.pop()
    for _ in range(100):
        if any(row['value'] == vin for row in table.rows):
            break
        await user.should_see(marker='cache-table')
    row = next(row for row in table.rows if row['value'] == vin)
    assert SCRIPT in row['model'] and row['gearbox_model'] == IMG
    assert_shown_as_text(user, IMG)
