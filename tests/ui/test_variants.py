"""Issue 12 #2 on the card: several vehicle variants side by side, the tag's automatic choice shown as such, and a
manager marking the customer's car («Это он»); a viewer sees the variants without the buttons."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from nicegui import ElementFilter
from nicegui.testing import User

from lookup import cache, service, users
from lookup.db import session_scope
from lookup.settings import get_settings
from tests.scale.test_variants import three_rows
from tests.ui.conftest import demo_actor, eventually, login
from tests.ui.test_translated_screens import login_en


def _vin() -> str:
    return 'W0LPD6EA5C8' + uuid.uuid4().hex[:6].upper().replace('O', '0').replace('I', '1')


@pytest.fixture
def astra() -> str:
    """A cached three-row result (F17 / MR6 / Y4M) for a fresh VIN."""
    vin = _vin()
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{vin}', result=three_rows(vin), settings=get_settings())
    return vin


def _marks(user: User, marker: str) -> int:
    """How many elements carry all these markers (0 is an answer, unlike `user.find`)."""
    with user:
        return len(list(ElementFilter(marker=marker.split())))


async def test_the_tag_selects_a_variant_and_the_manager_marks_another(manager: User, conversation_id: int,
                                                                       astra: str) -> None:
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type(astra)
    manager.find(marker='lookup-tag').type('MR6 0412')
    manager.find(marker='lookup-submit').click()
    await manager.should_see(marker='case-variants')
    await manager.should_see('На сайте 3 варианта автомобиля')
    assert _marks(manager, 'variant') == 3
    await manager.should_see(marker='variant-1 variant-selected')
    await manager.should_see('выбрано по маркировке')
    await manager.should_see('маркировка совпала с вариантом 2')
    # The header's badge says the same, not «НЕ совпала» (the tag differs from the first row's gearbox only)
    badge = manager.find(marker='case-tag-verification').elements.pop()
    assert badge.text == 'маркировка совпала с вариантом 2'
    await manager.should_not_see('Маркировка НЕ совпала')
    await manager.should_see('OEM найден для варианта 1: каталог сайта открыт для него')
    assert _marks(manager, 'variant-choose-1') == 0  # the selected one has no button
    manager.find(marker='variant-choose-2').click()
    await manager.should_see(marker='variant-2 variant-selected', retries=50)
    await manager.should_see('Выбран')
    await manager.should_not_see('выбрано по маркировке')
    await manager.should_not_see(marker='variants-tag-matches')
    assert _marks(manager, 'variant-selected') == 1
    case = service.list_cases(demo_actor(), conversation_id)[0]
    assert (case.selected_variant, case.variant_selected_by) == (2, 'manager')


async def test_without_a_matching_tag_the_manager_is_asked_to_mark_one(manager: User, conversation_id: int,
                                                                       astra: str) -> None:
    service.submit_lookup(demo_actor(), conversation_id, astra)
    await manager.open(f'/conversations/{conversation_id}')
    await manager.should_see(marker='case-variants')
    await manager.should_see('отметьте тот, что совпадает с машиной клиента')
    assert _marks(manager, 'variant-selected') == 0 and _marks(manager, 'variant-choose-0') == 1


async def test_a_viewer_sees_the_variants_but_cannot_mark_one(user: User, conversation_id: int, astra: str) -> None:
    service.submit_lookup(demo_actor(), conversation_id, astra, tag='Y4M')
    await login(user, 'viewer')
    await user.open(f'/conversations/{conversation_id}')
    await user.should_see(marker='variant-2 variant-selected')
    assert not any(_marks(user, f'variant-choose-{i}') for i in range(3))


@pytest.fixture
def english() -> Iterator[None]:
    users.set_locale(demo_actor('manager'), 'en')
    yield
    users.set_locale(demo_actor('manager'), 'ru')


async def test_in_english(user: User, conversation_id: int, astra: str, english: None) -> None:
    service.submit_lookup(demo_actor(), conversation_id, astra, tag='MR6')
    await login_en(user, 'manager')
    await user.open(f'/conversations/{conversation_id}')
    await user.should_see('3 vehicle variants on the site')
    await user.should_see('selected by the plate marking')
    await user.should_see('the marking matches variant 2')
    await user.should_see('This one')
    user.find(marker='variant-choose-0').click()
    await eventually(lambda: _marks(user, 'variant-0 variant-selected') == 1)
    await user.should_see('Selected')
