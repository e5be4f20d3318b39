"""Dashboard: queue, worker, throughput, cache hit rate, durations and failures."""

from __future__ import annotations

from datetime import datetime

from nicegui import run, ui

from lookup import site_health, stats
from ui import live
from ui.components.site_banner import alarm_text
from ui.formatting import number, when
from ui.i18n import t
from ui.session import act, current_actor
from ui.theme import frame


def _tile(label: str, value: object, mark: str) -> None:
    with ui.card().classes('min-w-[150px]'):
        ui.label(label).classes('text-xs text-grey-7')
        ui.label('—' if value is None else str(value)).classes('text-2xl font-medium').mark(mark)


def _site_text(st: dict) -> str:
    """The breaker of a site (issue 10 #10): working, paused until HH:MM, or a probe lookup under way."""
    if st['state'] == 'open' and st['until']:
        until = datetime.fromisoformat(st['until']).astimezone().strftime('%H:%M')
        return t('dash.site_open', time=until) + (f' · {t("outcome." + st["reason"])}' if st['reason'] else '')
    return t(f'dash.site_{st["state"]}')


def register() -> None:
    @ui.page('/dashboard')
    async def dashboard_page() -> None:
        actor = current_actor()
        with frame(t('nav.dashboard')):
            ui.label(t('nav.dashboard')).classes('text-xl font-medium')
            tiles = ui.row().classes('w-full gap-3')
            chart = ui.echart({'animation': False, 'grid': {'left': 40, 'right': 10, 'top': 30, 'bottom': 30},
                               'title': {'text': t('dash.per_hour'), 'textStyle': {'fontSize': 13}},
                               'xAxis': {'type': 'category', 'data': [f'-{h}' for h in range(23, -1, -1)]},
                               'yAxis': {'type': 'value', 'minInterval': 1},
                               'series': [{'type': 'bar', 'data': [], 'itemStyle': {'color': '#1f5f8b'}}]}) \
                .classes('w-full h-56').mark('per-hour-chart')
            alarms = ui.column().classes('w-full gap-2').props('id=alarms').mark('dash-alarms')
            with ui.element('div').classes('w-full flex flex-col md:flex-row gap-4 items-start'):  # phones: stacked
                reasons = ui.column().classes('w-full md:w-1/3')
                latest = ui.column().classes('w-full md:flex-1')

        async def refresh() -> None:
            d = await run.io_bound(stats.dashboard, actor)
            if d is None:
                return
            tiles.clear()
            with tiles:
                _tile(t('dash.queue'), d['queue_depth'], 'dash-queue')
                _tile(t('dash.active'), d['active'], 'dash-active')
                w = d['worker']
                age = t('unit.seconds', s=number(w['age_s'])) if w['age_s'] is not None else t('dash.no_worker')
                _tile(t('dash.worker'), age, 'dash-worker')
                _tile(t('dash.current'), f'#{w["case_id"]}' if w['case_id'] else '—', 'dash-current')
                _tile(t('dash.total'), d['total'], 'dash-total')
                rate = d['cache_hit_rate']
                _tile(t('dash.hit_rate'), f'{number(rate)} %' if rate is not None else None, 'dash-hit-rate')
                durations = f'{number(d["p50"] or None)} / {number(d["p95"] or None)}'
                _tile('p50 / p95', t('unit.seconds', s=durations), 'dash-durations')
                for site, st in sorted(d['sites'].items()):
                    _tile(t('dash.site', site=site), _site_text(st), f'dash-site-{site}')
            chart.options['series'][0]['data'] = d['per_hour']
            chart.update()
            reasons.clear()
            with reasons:
                ui.label(t('dash.failures_by_reason')).classes('font-medium')
                if not d['failures_by_reason']:
                    ui.label('—').classes('text-grey-7')
                for code, n in d['failures_by_reason'].most_common():
                    with ui.row().classes('w-full justify-between'):
                        ui.label(t(f'outcome.{code}') if code.isupper() else code)
                        ui.label(str(n)).classes('font-medium')
            latest.clear()
            with latest:
                ui.label(t('dash.latest_failures')).classes('font-medium')
                for f in d['latest_failures']:
                    with ui.row().classes('w-full gap-3 items-center border-b py-1').mark('latest-failure'):
                        ui.link(f'{f["customer"] or "#" + str(f["conversation_id"])}',
                                f'/conversations/{f["conversation_id"]}')
                        ui.label(f['value']).classes('mono text-sm')
                        ui.label(t(f'outcome.{f["code"]}') if f['code'] and f['code'].isupper() else f['code'] or '') \
                            .classes('text-negative text-sm')
                        ui.label(when(f['at'])).classes('text-xs text-grey-7')

        async def show_alarms() -> None:
            """Issue 12 #5: which site's which step started failing, with links to this tenant's evidence."""
            if not (actor.is_admin or actor.is_operator):
                alarms.set_visibility(False)
                return
            rows = await act(lambda a: site_health.open_alarms(a, with_evidence=True))
            if rows is None:
                return
            alarms.clear()
            with alarms:
                ui.label(t('alarm.title')).classes('font-medium')
                if not rows:
                    ui.label(t('alarm.none')).classes('text-grey-7 text-sm').mark('dash-no-alarm')
                for a in rows:
                    with ui.card().classes('w-full bg-orange-1').mark('dash-alarm'):
                        ui.label(alarm_text(a)).classes('font-medium')
                        ui.label(t('alarm.since', time=when(a.started_at), n=a.samples_hour)
                                 + (' · ' + t('alarm.notified') if a.notified else '')).classes('text-xs')
                        if a.evidence:
                            with ui.row().classes('gap-3 items-center'):
                                ui.label(t('alarm.evidence')).classes('text-sm')
                                for ev in a.evidence:
                                    ui.link(ev.value, f'/conversations/{ev.conversation_id}') \
                                        .classes('mono text-sm').mark('alarm-evidence')
                                    if ev.has_screenshot:
                                        ui.link(t('alarm.screenshot'), f'/api/lookups/{ev.case_id}/screenshot',
                                                new_tab=True).classes('text-sm')

        await refresh()
        await show_alarms()
        ui.timer(60, show_alarms)
        # Only this tenant's completions, and a burst of them is one refresh (aggregated in SQL, but still a query).
        live.on_tenant_changes(refresh, tenant_id=actor.tenant_id, kinds=('case',),
                               when=lambda c: c.status in ('completed', 'failed'))
        ui.timer(10, refresh)  # queue depth, heartbeat age and the site breaker change without case events
