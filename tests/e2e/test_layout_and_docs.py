"""Real Chromium: /docs renders with no request leaving the app; on a phone (390×844) no page scrolls sideways and
the header is one row with a menu."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True, 'locale': 'ru-RU'}


def test_docs_render_without_any_other_origin(page: Page, base_url: str, shot) -> None:  # noqa: ANN001
    origin = urlsplit(base_url).netloc
    elsewhere: list[str] = []

    def only_same_origin(route) -> None:  # noqa: ANN001
        if urlsplit(route.request.url).netloc != origin:
            elsewhere.append(route.request.url)
            route.abort()  # an internal network: a CDN is unreachable
        else:
            route.continue_()

    page.route('**/*', only_same_origin)
    page.goto('/docs')
    expect(page.locator('.swagger-ui .opblock').first).to_be_visible()
    expect(page.get_by_text('/api/conversations/{conversation_id}/lookups').first).to_be_visible()
    shot('docs-swagger-ui')
    assert elsewhere == []


CACHE_ROW = '''
from sqlmodel import select
from lookup import cache
from lookup.demo import DEMO_TENANT
from models import CaseStatus, Conversation, LookupCase, Tenant
from lookup.db import session_scope
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Evidence, Gearbox, LookupResult, Vehicle
from lookup.settings import get_settings
vin = 'WVWZZZ1KZAW390844'
result = LookupResult(query=vin, id_type='VIN', outcome=Outcome.FOUND, vehicle=Vehicle(make='VOLKSWAGEN', model='GOLF'),
                      gearbox=Gearbox(model='KCK', factory_code='KCK', oem='09G300035M', oem_status=OemStatus.FOUND),
                      evidence=Evidence(source='podzamenu', final_url='http://sandbox/x', duration_ms=1000))
with session_scope() as s:
    row = cache.store(session=s, cache_key=f'VIN:{vin}', result=result, settings=get_settings())
    # A tenant sees the cache rows its own cases used: the demo tenant's case answered from this one.
    tenant = s.exec(select(Tenant).where(Tenant.slug == DEMO_TENANT)).one()
    conv = s.exec(select(Conversation).where(Conversation.tenant_id == tenant.id)).first()
    s.add(LookupCase(tenant_id=tenant.id, conversation_id=conv.id, id_type='VIN', raw_value=vin, value=vin,
                     cache_key=row.cache_key, cache_id=row.id, status=CaseStatus.COMPLETED, outcome='FOUND'))
'''


@pytest.fixture(scope='module')
def cache_row(app_stack) -> None:  # noqa: ANN001
    """A cache row with a full-length VIN and OEM: the widest content the phone's cache table has to fit."""
    app_stack.python(CACHE_ROW)


@pytest.fixture
def phone(browser: Browser, base_url: str, cache_row: None) -> Page:
    ctx = browser.new_context(base_url=base_url, **PHONE)
    page = ctx.new_page()
    page.goto('/login')
    page.get_by_label('Логин').fill('admin')
    page.get_by_label('Пароль').fill('admin-demo-1')
    page.get_by_role('button', name='Войти').click()
    expect(page.get_by_text('Игорь').first).to_be_visible()
    yield page
    ctx.close()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate('() => [document.documentElement.scrollWidth, window.innerWidth]')
    assert width[0] <= width[1], f'{page.url} scrolls sideways: {width[0]} px wide on a {width[1]} px screen'
    tables = page.evaluate('() => [...document.querySelectorAll(".q-table__middle")]'
                           '.map(t => [t.scrollWidth, t.clientWidth])')
    assert all(scroll <= client + 1 for scroll, client in tables), f'{page.url}: a table scrolls sideways {tables}'


@pytest.mark.parametrize(('path', 'ready'), [
    pytest.param('/', 'Игорь', id='conversations'),
    pytest.param('/cache', 'WVWZZZ1KZAW390844', id='cache'),
    pytest.param('/dashboard', 'Пульс воркера', id='dashboard'),
    pytest.param('/admin/users', 'Новый пользователь', id='users'),
])
def test_phone_pages_fit_the_screen(phone: Page, path: str, ready: str) -> None:
    phone.goto(path)
    expect(phone.get_by_text(ready).first).to_be_visible()
    header = phone.locator('.q-header')
    assert header.bounding_box()['height'] < 70  # one row, not three
    expect(header.get_by_role('button', name='Кэш')).to_be_hidden()
    _no_sideways_scroll(phone)


@pytest.mark.parametrize('path', ['/', '/cache'])
def test_an_admins_server_paged_tables_count_their_rows(phone: Page, path: str) -> None:
    """The footer's «1-N из N» is the server's count on an admin's page too (whose site-alarm banner made the first
    render slower: Quasar's early pagination echo used to overwrite the count with 0)."""
    phone.goto(path)
    rows = phone.locator('.q-table tbody tr')
    expect(rows.first).to_be_visible()
    n = rows.count()
    expect(phone.locator('.q-table__bottom')).to_contain_text(re.compile(rf'1-{n} из \d+'))
    expect(phone.locator('.q-table__bottom')).not_to_contain_text('из 0')


def test_phone_menu_navigates_and_conversation_stacks(phone: Page) -> None:
    phone.get_by_role('button', name='Меню').click()
    phone.locator('.q-menu').get_by_text('Кэш').click()
    expect(phone).to_have_url(re.compile(r'/cache$'))
    phone.goto('/')
    phone.get_by_role('cell', name='Игорь').click()
    messages = phone.get_by_text('Сообщения')
    lookups = phone.get_by_text('Поиски', exact=True)
    expect(messages).to_be_visible()
    m, c = messages.bounding_box(), lookups.bounding_box()
    # One column (the messages title sits in its card's padding): lookups first, then messages.
    assert m['x'] == pytest.approx(c['x'], abs=20) and m['y'] > c['y']
    _no_sideways_scroll(phone)
