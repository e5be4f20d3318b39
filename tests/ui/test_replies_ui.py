"""Issue 12 #1, #3, #6 through NiceGUI's simulated user: reply from the card, delivery state in the thread, the same
unit in other cars, the identifier's history, and the admin's templates and webhook page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nicegui.testing import User

from lookup import delivery, replies, service
from lookup.db import session_scope
from models import Message
from tests.api.conftest import random_vin
from tests.ui.conftest import cached_result, demo_actor, login


@pytest.fixture(autouse=True)
def handed() -> Iterator[list[int]]:
    """The delivery queue as a list (no consumer runs here); the test plays the worker with delivery.attempt."""
    ids: list[int] = []
    replies.set_deliverer(ids.append)
    yield ids
    replies.set_deliverer(None)


def _cached_case(conversation_id: int, vin: str, **kw: str) -> int:
    cached_result(vin, **kw)
    return service.submit_lookup(demo_actor(), conversation_id, vin).id


async def test_a_manager_replies_from_the_card_and_sees_the_delivery_state(manager: User, conversation_id: int,
                                                                          handed: list[int]) -> None:
    vin = random_vin()
    case_id = _cached_case(conversation_id, vin, oem='0AM300057L')
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker='case-reply').click()
    await manager.should_see(marker='reply-dialog')
    text = manager.find(marker='reply-text').elements.pop()
    assert 'Здравствуйте, Тестовый клиент!' in text.value and '0AM300057L' in text.value and vin in text.value
    manager.find(marker='reply-kind').elements.pop().value = 'need_plate'  # another template, filled again
    await manager.should_see('По маркировке подберём коробку точно', retries=50)
    text.value = 'Коробка 0AM300057L есть в наличии, 45 000 ₽'
    manager.find(marker='reply-send').click()
    await manager.should_see('Ответ сохранён в диалоге и отправляется', retries=50)
    await manager.should_see(marker='delivery-pending')
    await manager.should_see('Коробка 0AM300057L есть в наличии, 45 000 ₽')
    [message_id] = handed
    with session_scope() as s:
        msg = s.get(Message, message_id)
        assert (msg.direction, msg.case_id, msg.reply_kind) == ('out', case_id, 'need_plate')

    assert delivery.attempt(message_id, retries_left=3) == 'failed'  # the demo tenant has no webhook yet
    await manager.should_see(marker='delivery-failed', retries=50)
    await manager.should_see(marker='delivery-error')
    manager.find(marker='delivery-retry').click()
    await manager.should_see(marker='delivery-pending', retries=50)
    assert handed == [message_id, message_id]


async def test_a_viewer_can_preview_and_copy_but_not_send(user: User, conversation_id: int) -> None:
    _cached_case(conversation_id, random_vin())
    await login(user, 'viewer')
    await user.open(f'/conversations/{conversation_id}')
    user.find(marker='case-reply').click()
    await user.should_see(marker='reply-dialog')
    await user.should_see(marker='reply-copy')
    await user.should_see('Отправлять ответы могут менеджеры и администраторы')
    await user.should_not_see(marker='reply-send')


async def test_same_unit_lists_the_other_cars_of_the_tenant(manager: User, conversation_id: int) -> None:
    oem = '0B5300' + random_vin()[-5:]
    other = random_vin()
    _cached_case(conversation_id, other, oem=oem, make='SKODA')
    mine = _cached_case(conversation_id, random_vin(), oem=oem)
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker=f'case-same-unit-{mine}').click()
    await manager.should_see(marker='same-unit-dialog')
    rows = {r['value']: r for r in manager.find(marker='same-unit-table').elements.pop().rows}
    assert (rows[other]['car'], rows[other]['matched'], rows[other]['year']) == ('SKODA GOLF', 'OEM, код КПП', '2010')
    assert all(r['matched'] == 'код КПП' for v, r in rows.items() if v != other)  # the demo's other KCK cars


async def test_history_shows_what_changed_between_lookups(manager: User, conversation_id: int) -> None:
    vin = random_vin()
    _cached_case(conversation_id, vin, oem='02Q300048H')
    latest = _cached_case(conversation_id, vin, oem='02Q300049J')  # the site's answer changed since
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker=f'case-history-{latest}').click()
    await manager.should_see(marker='history-dialog')
    await manager.should_see('2 поиска')
    await manager.should_see('OEM: 02Q300048H → 02Q300049J')
    await manager.should_see('первый результат')


async def test_the_admin_edits_templates_and_sets_the_webhook(user: User, conversation_id: int) -> None:
    await login(user, 'admin')
    await user.open('/admin/replies')
    await user.should_see('Шаблоны ответов')
    area = user.find(marker='template-text-found')
    area.clear().type('Здравствуйте, $who')
    user.find(marker='template-save-found').click()
    await user.should_see('Неизвестная подстановка $who', retries=50)
    area.clear().type('$greeting Ваша машина: $car')
    user.find(marker='template-save-found').click()
    await user.should_see('Шаблон сохранён', retries=50)
    case_id = _cached_case(conversation_id, random_vin())
    assert replies.preview_reply(demo_actor(), case_id).text == \
        'Здравствуйте, Тестовый клиент! Ваша машина: VOLKSWAGEN GOLF 2010'
    user.find(marker='template-reset-found').click()  # back to the default (checked at the end)
    user.find(marker='webhook-url').type('ftp://bridge')
    user.find(marker='webhook-save').click()
    await user.should_see('Адрес должен начинаться с http:// или https://', retries=50)
    user.find(marker='webhook-url').clear().type('https://bridge.example/outgoing')
    user.find(marker='webhook-save').click()
    await user.should_see('Адрес сохранён', retries=50)
    await user.should_see(marker='webhook-secret')
    replies.set_webhook(demo_actor('admin'), '')  # other tests expect the demo tenant without a webhook
    assert all(t.is_default for t in replies.list_templates(demo_actor('admin')))


async def test_the_replies_page_is_for_admins_only(manager: User) -> None:
    await manager.open('/admin/replies')
    await manager.should_see(marker='forbidden')
    await manager.should_not_see(marker='webhook-url')


async def test_the_cache_row_opens_the_identifiers_history(user: User, conversation_id: int) -> None:
    vin = random_vin()
    _cached_case(conversation_id, vin, oem='0AJ300061B')
    await login(user, 'viewer')  # reading the history needs no write permission
    await user.open('/cache')
    await user.should_see(marker='cache-table')
    user.find(marker='cache-table').trigger('history', {'key': f'VIN:{vin}'})
    await user.should_see(marker='history-dialog', retries=50)
    await user.should_see(f'История поисков: VIN {vin}')
    await user.should_see('1 поиск')
