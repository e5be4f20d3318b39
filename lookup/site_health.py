"""Site-change alarm (issue 12 #5): is a site's layout changing under us?

Every site visit's evidence (`LookupResult.evidence`: `flags`, `selectors_used`, `steps`, `waiting_for`, stored in
`lookup_case.result` too) says whether the engine met a **navigation dead end** (flag `gearboxLinkNotFound`: no
route reached a gearbox parts view), a **parse fallback** (the parts page could not be read, flag
`gearboxPageParseFailed`, or a field was read only by a last-resort rule: `legacy:` labels, `gearbox:inline`,
`parts:part-links`) or a **selector fallback** (the main accordion route did not get there and a secondary one did:
`route:shortcut:` / `route:schemes:`, a «deeper» click, or a route that failed through an error). The worker
records these per visit (`record`, a `site_signal` row: the comparison is an indexed aggregate, never a scan of
result JSON); once a minute the periodic task (`check`) compares each site's last hour with the 7 days before it.
Past SITE_ALARM_THRESHOLD (with at least SITE_ALARM_MIN_SAMPLES visits in the hour) an alarm opens: one
`site_alarm` row per onset, the webhook gets it once (retried until delivered), the banner and the dashboard show
it, the metric carries it. It ends when the hour's share falls below half the threshold above the baseline.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from lookup.auth import Actor
from lookup.db import select_columns, session_scope
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.sessions import recheck
from lookup.settings import Settings, get_settings
from models import LookupCase, SiteAlarm, SiteSignal
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
SIGNALS = ('dead_end', 'parse_fallback', 'selector_fallback')
PARSE_FALLBACKS = ('legacy:', 'gearbox:inline', 'parts:part-links')
SELECTOR_FALLBACKS = ('route:shortcut:', 'route:schemes:')
HOUR, WEEK = timedelta(hours=1), timedelta(days=7)
KEEP = timedelta(days=8)
EVIDENCE_LINKS = 5


@dataclass(frozen=True)
class Signals:
    site: str
    dead_end: bool
    parse_fallback: bool
    selector_fallback: bool
    step: str | None


def signals_of(result: LookupResult) -> Signals | None:
    """What a visit's evidence says about the site's layout; None when the visit says nothing about it (our own
    browser failed, or it never got a page)."""
    ev = result.evidence
    flags = {k for k, v in ev.flags.items() if v}
    if result.outcome is Outcome.BROWSER_UNAVAILABLE or flags & {'browserCrashed', 'engineError'} or not ev.steps:
        return None
    used = ev.selectors_used
    steps = [s for s in ev.steps if s.name.startswith(('click:', 'wait:'))]
    step = ev.waiting_for or (steps[-1].name if steps else ev.steps[-1].name)
    return Signals(site=ev.source or 'podzamenu',
                   dead_end='gearboxLinkNotFound' in flags,
                   parse_fallback='gearboxPageParseFailed' in flags or any(u.startswith(PARSE_FALLBACKS) for u in used),
                   selector_fallback='deeperClick' in flags or any(f.endswith('_routeError') for f in flags)
                   or any(u.startswith(SELECTOR_FALLBACKS) for u in used),
                   step=step[:80] if step else None)


def record(result: LookupResult, *, case_id: int | None, tenant_id: int | None) -> None:
    """Store one visit's signals (the worker calls it after every site visit; never raises)."""
    sig = signals_of(result)
    if sig is None:
        return
    try:
        with session_scope() as s:
            s.add(SiteSignal(site=sig.site, case_id=case_id, tenant_id=tenant_id, outcome=result.outcome.value,
                             dead_end=sig.dead_end, parse_fallback=sig.parse_fallback,
                             selector_fallback=sig.selector_fallback, step=sig.step))
    except Exception as exc:  # noqa: BLE001  (monitoring must never cost a lookup its result)
        logger.warning('could not record site signals: %s', exc)


class Reading(BaseModel):
    site: str
    signal: str
    samples_hour: int
    share_hour: float
    samples_week: int
    share_week: float
    step: str | None = None


def readings(session: Session, *, now: datetime | None = None) -> list[Reading]:
    """Per site and signal: the share of the last hour's visits that showed it, and of the 7 days before."""
    now = now or utcnow()
    recent = col(SiteSignal.at) >= now - HOUR
    cols = [func.sum(sa.case((getattr(SiteSignal, name), 1), else_=0)) for name in SIGNALS]
    rows = session.exec(select_columns(SiteSignal.site, recent, func.count(), *cols)
                        .where(col(SiteSignal.at) >= now - HOUR - WEEK)
                        .group_by(SiteSignal.site, recent)).all()
    by_site: dict[str, dict[bool, tuple[int, list[int]]]] = {}
    for site, is_recent, n, *counts in rows:
        by_site.setdefault(site, {})[bool(is_recent)] = (n, [int(c or 0) for c in counts])
    out = []
    for site, parts in sorted(by_site.items()):
        n_h, c_h = parts.get(True, (0, [0, 0, 0]))
        n_w, c_w = parts.get(False, (0, [0, 0, 0]))
        for i, name in enumerate(SIGNALS):
            out.append(Reading(site=site, signal=name, samples_hour=n_h, share_hour=c_h[i] / n_h if n_h else 0.0,
                               samples_week=n_w, share_week=c_w[i] / n_w if n_w else 0.0))
    return out


def _step(session: Session, site: str, signal: str, since: datetime) -> str | None:
    steps = session.exec(select(SiteSignal.step).where(SiteSignal.site == site, col(SiteSignal.at) >= since,
                                                       getattr(SiteSignal, signal).is_(True))).all()
    common = Counter(s for s in steps if s).most_common(1)
    return common[0][0] if common else None


def alarming(r: Reading, settings: Settings) -> bool:
    return r.samples_hour >= settings.site_alarm_min_samples and \
        r.share_hour >= r.share_week + settings.site_alarm_threshold


def recovered(r: Reading, settings: Settings) -> bool:
    """Enough visits in the hour and the share back near the baseline (half the threshold: no flapping)."""
    return r.samples_hour >= settings.site_alarm_min_samples and \
        r.share_hour < r.share_week + settings.site_alarm_threshold / 2


def check(*, settings: Settings | None = None, now: datetime | None = None) -> list[SiteAlarm]:
    """The periodic evaluation: open alarms at onset, update or end open ones, notify onsets. Returns the open
    alarms. Safe with several workers at once (one open row per site and signal; notifications claimed)."""
    settings = settings or get_settings()
    now = now or utcnow()
    with session_scope() as s:
        current = readings(s, now=now)
        open_rows = {(a.site, a.signal): a for a in s.exec(select(SiteAlarm).where(col(SiteAlarm.ended_at).is_(None)))}
        for r in current:
            row = open_rows.get((r.site, r.signal))
            if row is None and alarming(r, settings):
                step = _step(s, r.site, r.signal, now - HOUR)
                _open(s, r, step, now)
                logger.warning('site alarm: %s %s at %.0f%% of the last hour (7 days: %.0f%%), step %s', r.site,
                               r.signal, 100 * r.share_hour, 100 * r.share_week, step)
            elif row is not None:
                if recovered(r, settings):
                    row.ended_at, row.open_key = now, None
                    logger.info('site alarm over: %s %s', r.site, r.signal)
                else:
                    row.share_hour, row.share_week, row.samples_hour = r.share_hour, r.share_week, r.samples_hour
                row.updated_at = now
        s.execute(sa.delete(SiteSignal).where(col(SiteSignal.at) < now - KEEP))
    if settings.site_alarm_webhook_url:
        notify_onsets(settings)
    with session_scope() as s:
        return list(s.exec(select(SiteAlarm).where(col(SiteAlarm.ended_at).is_(None)).order_by(col(SiteAlarm.id))))


def _open(s: Session, r: Reading, step: str | None, now: datetime) -> None:
    values = dict(site=r.site, signal=r.signal, open_key=f'{r.site}:{r.signal}', started_at=now, updated_at=now,
                  share_hour=r.share_hour, share_week=r.share_week, samples_hour=r.samples_hour, step=step,
                  notify_attempts=0)
    from sqlalchemy.dialects import postgresql, sqlite
    insert = postgresql.insert if s.get_bind().dialect.name == 'postgresql' else sqlite.insert
    s.execute(insert(SiteAlarm).values(**values).on_conflict_do_nothing(index_elements=['open_key']))


def payload(a: SiteAlarm) -> dict[str, object]:
    return {'event': 'site_alarm', 'site': a.site, 'signal': a.signal, 'step': a.step,
            'share_hour': round(a.share_hour, 4), 'share_week': round(a.share_week, 4),
            'samples_hour': a.samples_hour, 'started_at': a.started_at.isoformat()}


def notify_onsets(settings: Settings) -> int:
    """POST each not yet delivered onset to SITE_ALARM_WEBHOOK_URL (once; a failure is retried next minute)."""
    sent = 0
    with session_scope() as s:
        stmt = select(SiteAlarm).where(col(SiteAlarm.notified_at).is_(None), col(SiteAlarm.ended_at).is_(None))
        if s.get_bind().dialect.name == 'postgresql':
            stmt = stmt.with_for_update(skip_locked=True)  # another worker is sending it right now
        for alarm in s.exec(stmt).all():
            alarm.notify_attempts += 1
            try:
                req = urllib.request.Request(settings.site_alarm_webhook_url or '', method='POST',
                                             data=json.dumps(payload(alarm)).encode(),
                                             headers={'Content-Type': 'application/json'})
                with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 (an operator-set URL)
                    if resp.status >= 300:
                        raise OSError(f'HTTP {resp.status}')
            except Exception as exc:  # noqa: BLE001  (kept, retried on the next check)
                alarm.notify_error = str(exc)[:500]
                logger.warning('site alarm webhook failed (attempt %s): %s', alarm.notify_attempts, exc)
                continue
            alarm.notified_at, alarm.notify_error = utcnow(), None
            sent += 1
    return sent


# --- what admins see ----------------------------------------------------------------------------------------------

class EvidenceLink(BaseModel):
    case_id: int
    conversation_id: int
    value: str
    at: datetime
    has_screenshot: bool


class AlarmOut(BaseModel):
    site: str
    signal: str
    step: str | None
    share_hour: float
    share_week: float
    samples_hour: int
    started_at: datetime
    notified: bool
    evidence: list[EvidenceLink] = []
    """The caller's tenant's latest lookups that showed the signal (a platform operator: anyone's)."""


def banner_alarms() -> list[AlarmOut]:
    """The open alarms as the every-page banner shows them: site-level figures only, no tenant data and no
    evidence, so no session re-check either (the banner is no action; it must not contend with the page's own
    calls for the session row). Who sees the banner is decided when the page is built (ui/components/site_banner)."""
    with session_scope() as s:
        rows = s.exec(select(SiteAlarm).where(col(SiteAlarm.ended_at).is_(None)).order_by(col(SiteAlarm.id))).all()
        return [AlarmOut(site=a.site, signal=a.signal, step=a.step, share_hour=a.share_hour, share_week=a.share_week,
                         samples_hour=a.samples_hour, started_at=a.started_at, notified=a.notified_at is not None,
                         evidence=[]) for a in rows]


def open_alarms(actor: Actor, *, with_evidence: bool = False) -> list[AlarmOut]:
    """Open site alarms for admins and platform operators (others: none). The shares are about the site, shared by
    everyone; the evidence links are the caller's own tenant's lookups."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        if not (actor.is_admin or actor.is_operator):
            return []
        rows = s.exec(select(SiteAlarm).where(col(SiteAlarm.ended_at).is_(None)).order_by(col(SiteAlarm.id))).all()
        out = []
        for a in rows:
            links: list[EvidenceLink] = []
            if with_evidence:
                stmt = select(SiteSignal, LookupCase).join(LookupCase, col(LookupCase.id) == SiteSignal.case_id) \
                    .where(SiteSignal.site == a.site, getattr(SiteSignal, a.signal).is_(True),
                           col(SiteSignal.at) >= a.started_at - HOUR)
                if not actor.is_operator:
                    stmt = stmt.where(LookupCase.tenant_id == actor.tenant_id)
                for sig, case in s.exec(stmt.order_by(col(SiteSignal.at).desc()).limit(EVIDENCE_LINKS)).all():
                    shot = ((case.result or {}).get('evidence') or {}).get('screenshot')
                    links.append(EvidenceLink(case_id=case.id, conversation_id=case.conversation_id,
                                              value=case.value, at=sig.at, has_screenshot=bool(shot)))
            out.append(AlarmOut(site=a.site, signal=a.signal, step=a.step, share_hour=a.share_hour,
                                share_week=a.share_week, samples_hour=a.samples_hour, started_at=a.started_at,
                                notified=a.notified_at is not None, evidence=links))
        return out
