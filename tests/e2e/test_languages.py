"""Real Chromium: Quasar's own texts (table footer, pagination label) follow the user's language, per page, with
rows and in the empty state (issue 11 #5, #6)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS

READERS = '''
from sqlmodel import select
from lookup import cache, users
from lookup.db import session_scope
from lookup.demo import DEMO_TENANT
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Evidence, Gearbox, LookupResult, Vehicle
from lookup.settings import get_settings
from models import CaseStatus, Conversation, LookupCase, Tenant
vin = 'WVWZZZ1KZAW771100'
result = LookupResult(query=vin, id_type='VIN', outcome=Outcome.FOUND, vehicle=Vehicle(make='SKODA', model='OCTAVIA'),
                      gearbox=Gearbox(model='NLS', factory_code='NLS', oem='0CW300049H', oem_status=OemStatus.FOUND),
                      evidence=Evidence(source='podzamenu', final_url='http://sandbox/x', duration_ms=1000))
with session_scope() as s:
    tenant = s.exec(select(Tenant).where(Tenant.slug == DEMO_TENANT)).one()
    for name, locale in (('reader-ru', 'ru'), ('reader-en', 'en')):
        users.create_user(session=s, tenant=tenant, username=name, password='reader-pass-1', role='viewer')
        users.find_user(session=s, username=name, tenant_id=tenant.id).locale = locale
    row = cache.store(session=s, cache_key=f'VIN:{vin}', result=result, settings=get_settings())
    conv = s.exec(select(Conversation).where(Conversation.tenant_id == tenant.id)).first()
    s.add(LookupCase(tenant_id=tenant.id, conversation_id=conv.id, id_type='VIN', raw_value=vin, value=vin,
                     cache_key=row.cache_key, cache_id=row.id, status=CaseStatus.COMPLETED, outcome='FOUND'))
'''

LANGUAGES = {
    'ru': {'locale': 'ru-RU', 'user': 'Логин', 'password': 'Пароль', 'submit': 'Войти', 'home': 'Диалоги',
           'per_page': 'Строк на странице:', 'of': 'из', 'search': 'Поиск: VIN, FRAME, марка, OEM',
           'empty': 'Ничего не найдено', 'other': 'Records per page'},
    'en': {'locale': 'en-US', 'user': 'Username', 'password': 'Password', 'submit': 'Log in', 'home': 'Conversations',
           'per_page': 'Records per page:', 'of': 'of', 'search': 'Search: VIN, frame, make, OEM',
           'empty': 'Nothing matches', 'other': 'Строк на странице'},
}


@pytest.fixture(scope='module')
def readers(app_stack) -> None:  # noqa: ANN001
    app_stack.python(READERS)


@pytest.mark.parametrize('language', ['ru', 'en'])
def test_table_footers_speak_the_users_language(browser: Browser, base_url: str, readers: None,
                                                language: str) -> None:
    words = LANGUAGES[language]
    ctx = browser.new_context(base_url=base_url, locale=words['locale'], viewport={'width': 1280, 'height': 720})
    page: Page = ctx.new_page()

    def shot(name: str) -> None:  # this context's page (the `shot` fixture photographs pytest-playwright's own)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f'{name}.png'), full_page=True)
    try:
        page.goto('/login')
        page.get_by_label(words['user']).fill(f'reader-{language}')
        page.get_by_label(words['password']).fill('reader-pass-1')
        page.get_by_role('button', name=words['submit']).click()
        expect(page.get_by_text(words['home']).first).to_be_visible()
        page.goto('/cache')
        expect(page.get_by_text('0CW300049H')).to_be_visible()
        footer = page.locator('.q-table__bottom')
        expect(footer).to_contain_text(words['per_page'])
        rows = page.locator('.q-table tbody tr').count()
        expect(footer).to_contain_text(f'1-{rows} {words["of"]} {rows}')  # the real count, not Quasar's default
        expect(footer).not_to_contain_text(words['other'])
        assert page.evaluate('() => document.documentElement.lang').startswith(language)
        shot(f'cache-footer-{language}')
        page.get_by_placeholder(words['search']).fill('NOTHING-MATCHES-THIS')
        expect(page.get_by_text(words['empty'])).to_be_visible()
        # The empty state keeps a footer line, in the same language.
        expect(page.locator('.empty-footer')).to_contain_text(words['per_page'])
        expect(page.locator('.empty-footer')).to_contain_text(f'0-0 {words["of"]} 0')
        shot(f'cache-empty-{language}')
    finally:
        ctx.close()
