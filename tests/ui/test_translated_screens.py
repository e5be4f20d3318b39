"""Every screen in one language (issue 11 #5): the engine's failure details, users-page errors, role and channel
labels, units and plurals, in Russian and in English. (Quasar's own table texts need a browser: tests/e2e.)

Named to run after test_pages.py: it adds conversations, and test_pages counts the demo ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from nicegui.testing import User
from sqlmodel import select

from lookup import users
from lookup.db import session_scope
from models import CaseStatus, LookupCase, Tenant
from tests.ui.conftest import demo_actor, login


async def login_en(user: User, name: str) -> None:
    await user.open('/login')
    user.find(marker='username').type(name)
    user.find(marker='password').type(f'{name}-demo-1')
    user.find(marker='login-submit').click()
    await user.should_see('Conversations', retries=50)


@pytest.fixture
def failed_case(conversation_id: int) -> int:
    """A lookup that failed on the site after three attempts, with the engine's English detail."""
    with session_scope() as s:
        tenant = s.exec(select(Tenant).where(Tenant.slug == 'demo')).one()
        vin = 'WVWZZZ1KZAW' + uuid.uuid4().hex[:6].upper().replace('O', '0').replace('I', '1')
        s.add(LookupCase(tenant_id=tenant.id, conversation_id=conversation_id, id_type='VIN', raw_value=vin, value=vin,
                         cache_key=f'VIN:{vin}', status=CaseStatus.FAILED, outcome='SITE_ERROR',
                         error_code='SITE_ERROR', error_message='HTTP 500 on the search page', attempts=3))
    return conversation_id


@pytest.fixture
def english(request: pytest.FixtureRequest) -> Iterator[str]:
    """The named demo user reads English for this test, Russian again afterwards (whatever the test does)."""
    name = getattr(request, 'param', 'manager')
    users.set_locale(demo_actor(name), 'en')
    yield name
    users.set_locale(demo_actor(name), 'ru')


def _text(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).text


async def test_a_failed_lookup_reads_in_russian_with_the_raw_detail_for_support(manager: User,
                                                                                failed_case: int) -> None:
    await manager.open(f'/conversations/{failed_case}')
    await manager.should_see(marker='case-failed')
    assert _text(manager, 'case-error') == 'Ошибка сайта'
    assert _text(manager, 'case-error-detail') == 'Сайт ответил ошибкой HTTP 500 на странице поиска'
    assert _text(manager, 'case-error-raw') == 'Техническая деталь (для поддержки): HTTP 500 on the search page'
    await manager.should_see('3 попытки')  # not «попыток: 3»
    await manager.should_see('Telegram · ')  # the channel, not «telegram»


async def test_a_failed_lookup_reads_in_english(user: User, english: str, failed_case: int) -> None:
    await login_en(user, english)
    await user.open(f'/conversations/{failed_case}')
    await user.should_see(marker='case-failed')
    assert _text(user, 'case-error') == 'Site error'
    assert _text(user, 'case-error-detail') == 'The site answered HTTP 500 on the search page'
    await user.should_see('3 attempts')


async def test_users_page_speaks_russian(user: User) -> None:
    await login(user, 'admin')
    await user.open('/admin/users')
    role = next(iter(user.find(marker='new-role').elements))
    assert role.options == {'admin': 'администратор', 'manager': 'менеджер', 'viewer': 'наблюдатель'}
    user.find(marker='new-username').type('kirill')
    user.find(marker='new-password').type('short')
    user.find(marker='create-user').click()
    await user.should_see('Пароль слишком короткий: минимальная длина 8')
    user.find(marker='new-username').clear().type('kirill с пробелом')
    user.find(marker='new-password').type('long-enough-1')
    user.find(marker='create-user').click()
    await user.should_see('Имя пользователя: от 1 до 100 латинских букв')
    await user.should_see('admin · администратор')


@pytest.mark.parametrize('english', ['admin'], indirect=True)
async def test_users_page_speaks_english(user: User, english: str) -> None:
    await login_en(user, english)
    await user.open('/admin/users')
    user.find(marker='new-username').type('admin')
    user.find(marker='new-password').type('long-enough-1')
    user.find(marker='create-user').click()
    await user.should_see('This username is taken')


async def test_dashboard_units_follow_the_language(user: User, english: str) -> None:
    await login_en(user, english)
    await user.open('/dashboard')
    assert _text(user, 'dash-durations').endswith(' s')
    users.set_locale(demo_actor(english), 'ru')
    await user.open('/dashboard')
    assert _text(user, 'dash-durations').endswith(' с')
