"""Issue 12 #5: the site-change alarm on SQLite and PostgreSQL: signals read from a visit's evidence, the last hour
against the 7 days before, the minimum sample, one onset → one webhook POST (a real local HTTP server; a failed
delivery is retried), the end of an alarm, what admins and others see, and the Prometheus metric."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lookup import site_health
from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.engine.result import Evidence, LookupResult, Step
from lookup.settings import get_settings
from models import LookupCase, SiteAlarm, SiteSignal
from models.dbtypes import utcnow


def result(*, flags: dict[str, bool] | None = None, used: list[str] | None = None, source: str = 'podzamenu',
           outcome: Outcome = Outcome.FOUND, waiting_for: str | None = None) -> LookupResult:
    steps = [Step(name='goto'), Step(name='wait:vehicle'), Step(name='click:accordion-l1'), Step(name='snapshot')]
    return LookupResult(query='X', id_type='VIN', outcome=outcome, evidence=Evidence(
        source=source, steps=steps, flags=flags or {}, selectors_used=used or [], waiting_for=waiting_for))


@pytest.mark.parametrize('res, expected', [
    pytest.param(result(used=['route:accordion-l3:Коробка передач в сборе']), (False, False, False), id='healthy'),
    pytest.param(result(flags={'gearboxLinkNotFound': True}, outcome=Outcome.NOT_AVAILABLE), (True, False, False),
                 id='dead-end'),
    pytest.param(result(flags={'gearboxPageParseFailed': True}), (False, True, False), id='parts-unreadable'),
    pytest.param(result(used=['legacy:кпп']), (False, True, False), id='legacy-labels'),
    pytest.param(result(used=['parts:part-links(3)']), (False, True, False), id='parts-from-links'),
    pytest.param(result(used=['route:schemes:Трансмиссия:Коробка']), (False, False, True), id='schemes-route'),
    pytest.param(result(used=['route:shortcut:коробка передач (в сборе)']), (False, False, True), id='shortcut'),
    pytest.param(result(flags={'deeperClick': True}), (False, False, True), id='deeper-click'),
    pytest.param(result(flags={'accordion_routeError': True}), (False, False, True), id='route-error'),
])
def test_signals_come_from_the_evidence(res: LookupResult, expected: tuple[bool, bool, bool]) -> None:
    sig = site_health.signals_of(res)
    assert sig is not None and (sig.dead_end, sig.parse_fallback, sig.selector_fallback) == expected
    assert sig.site == 'podzamenu' and sig.step == 'click:accordion-l1'


def test_visits_that_say_nothing_about_the_site() -> None:
    assert site_health.signals_of(result(flags={'browserCrashed': True})) is None
    assert site_health.signals_of(result(outcome=Outcome.BROWSER_UNAVAILABLE)) is None
    assert site_health.signals_of(LookupResult(query='X', id_type='VIN', outcome=Outcome.TIMEOUT)) is None
    assert site_health.signals_of(result(waiting_for='wait:parts')).step == 'wait:parts'
    assert site_health.signals_of(result(source='profrf')).site == 'profrf'


class Hook:
    """A real HTTP endpoint in a thread: records POSTed JSON; answers `status` (500: delivery fails)."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers['Content-Length']))
                if hook.status == 200:
                    hook.posts.append(json.loads(body))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_port}/alarm'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook(monkeypatch, backend) -> Iterator[Hook]:  # noqa: ANN001
    h = Hook()
    monkeypatch.setenv('SITE_ALARM_WEBHOOK_URL', h.url)
    monkeypatch.setenv('SITE_ALARM_MIN_SAMPLES', '10')
    monkeypatch.setenv('SITE_ALARM_THRESHOLD', '0.25')
    get_settings.cache_clear()
    yield h
    h.server.shutdown()
    get_settings.cache_clear()


def visits(n: int, *, ago: timedelta, dead_end: int = 0, case_id: int | None = None, tenant_id: int | None = None,
           step: str = 'wait:l1-children') -> None:
    now = utcnow()
    with session_scope() as s:
        s.add_all([SiteSignal(site='podzamenu', at=now - ago, outcome='FOUND', dead_end=i < dead_end,
                              step=step if i < dead_end else 'wait:parts', case_id=case_id if i < dead_end else None,
                              tenant_id=tenant_id) for i in range(n)])


def test_an_alarm_opens_once_notifies_once_and_ends(manager, hook: Hook) -> None:  # noqa: ANN001
    from lookup import service
    conv = service.list_conversations(manager, page_size=1).items[0].id
    with session_scope() as s:
        case = LookupCase(tenant_id=manager.tenant_id, conversation_id=conv, id_type='VIN', raw_value='X',
                          value='WVWZZZ1KZ8W123456', cache_key='VIN:WVWZZZ1KZ8W123456', status='failed',
                          outcome='NOT_AVAILABLE', result={'evidence': {'screenshot': 'evidence/x.png'}})
        s.add(case)
        s.flush()
        case_id = case.id
    visits(100, ago=timedelta(days=2), dead_end=5)          # baseline: 5 %
    visits(9, ago=timedelta(minutes=10), dead_end=9)        # 9 of 9: below the minimum sample
    assert site_health.check() == [] and hook.posts == []

    visits(3, ago=timedelta(minutes=5), dead_end=1, case_id=case_id, tenant_id=manager.tenant_id)  # 10 of 12
    alarms = site_health.check()
    assert [(a.site, a.signal, a.step) for a in alarms] == [('podzamenu', 'dead_end', 'wait:l1-children')]
    assert [p['signal'] for p in hook.posts] == ['dead_end'] and hook.posts[0]['share_week'] == 0.05
    assert round(hook.posts[0]['share_hour'], 3) == round(10 / 12, 3)
    site_health.check()
    site_health.check()
    assert len(hook.posts) == 1, 'the webhook gets the onset once, not every minute'

    assert site_health.open_alarms(manager, with_evidence=True) == []  # a manager is no admin
    from lookup.web import ops
    text = ops.metrics_text().decode()
    assert 'podzamenu_site_alarm{signal="dead_end",site="podzamenu",step="wait:l1-children"} 1.0' in text
    assert 'signal="parse_fallback"' not in text  # only open alarms: a scrape runs no aggregate (issue 10 #4)
    assert 'podzamenu_site_signal_share{signal="dead_end",site="podzamenu",window="7d"} 0.05' in text

    # the hour recovers: enough healthy visits bring the share back near the baseline
    visits(80, ago=timedelta(minutes=2))
    assert site_health.check() == []
    with session_scope() as s:
        rows = s.exec(site_health.select(SiteAlarm)).all()
        assert len(rows) == 1 and rows[0].ended_at is not None and rows[0].open_key is None


def test_a_failed_delivery_is_retried_until_accepted(manager, hook: Hook) -> None:  # noqa: ANN001
    hook.status = 500
    visits(100, ago=timedelta(days=1))
    visits(20, ago=timedelta(minutes=1), dead_end=20)
    assert len(site_health.check()) == 1 and hook.posts == []
    with session_scope() as s:
        row = s.exec(site_health.select(SiteAlarm)).one()
        assert row.notified_at is None and row.notify_attempts == 1 and '500' in row.notify_error
    hook.status = 200
    site_health.check()
    site_health.check()
    assert len(hook.posts) == 1


def test_what_admins_see(manager, backend) -> None:  # noqa: ANN001
    from lookup import auth, users
    from lookup.db import session_scope as scope
    from models import User
    with scope() as s:
        admin_user = s.exec(site_health.select(User).where(User.tenant_id == manager.tenant_id,
                                                           User.role == 'admin')).first()
        admin = auth.Actor.of(admin_user)
        tenant = users.get_or_create_tenant(session=s, slug='elsewhere')
        stranger = auth.Actor.of(users.create_user(session=s, tenant=tenant, username='adm-x', password='password-1',
                                                   role='admin'))
    from lookup import service
    conv = service.list_conversations(manager, page_size=1).items[0].id
    with session_scope() as s:
        case = LookupCase(tenant_id=manager.tenant_id, conversation_id=conv, id_type='VIN', raw_value='X',
                          value='WVWZZZ1KZ8W123456', cache_key='VIN:WVWZZZ1KZ8W123456', status='failed',
                          result={'evidence': {'screenshot': 'evidence/x.png'}})
        s.add(case)
        s.flush()
        case_id = case.id
    visits(100, ago=timedelta(days=1))
    visits(12, ago=timedelta(minutes=1), dead_end=12, case_id=case_id, tenant_id=manager.tenant_id)
    site_health.check(settings=get_settings())
    mine = site_health.open_alarms(admin, with_evidence=True)
    assert len(mine) == 1 and mine[0].evidence[0].case_id == case_id and mine[0].evidence[0].has_screenshot
    assert mine[0].evidence[0].conversation_id == conv
    theirs = site_health.open_alarms(stranger, with_evidence=True)
    assert len(theirs) == 1 and theirs[0].evidence == []  # the site's alarm, but not another tenant's lookups
    assert site_health.open_alarms(manager) == []


def test_record_reads_a_real_result(backend) -> None:  # noqa: ANN001
    site_health.record(result(flags={'gearboxLinkNotFound': True}), case_id=7, tenant_id=1)
    site_health.record(result(flags={'engineError': True}), case_id=8, tenant_id=1)
    with session_scope() as s:
        rows = s.exec(site_health.select(SiteSignal)).all()
    assert [(r.case_id, r.dead_end, r.step) for r in rows] == [(7, True, 'click:accordion-l1')]
