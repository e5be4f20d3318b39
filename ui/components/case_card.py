"""A lookup case card: live stage while it runs, then vehicle, gearbox, OEM, candidates and evidence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from lookup.schemas import CaseOut
from lookup.settings import get_settings
from models.dbtypes import utcnow
from ui.components.variants import variants_block
from ui.failures import failure_detail
from ui.formatting import ago, number, when
from ui.i18n import has, t, tn

STATUS_COLORS = {'pending': 'grey-7', 'running': 'primary', 'completed': 'positive', 'failed': 'negative'}
TAG_COLORS = {'VERIFIED_MATCH': 'positive', 'MISMATCH': 'negative', 'UNVERIFIED': 'warning'}


def _field(label: str, value: str | None, *, mono: bool = False, mark: str | None = None) -> None:
    with ui.column().classes('gap-0'):
        ui.label(label).classes('label')
        el = ui.label(value or '—').classes('mono' if mono and value else 'text-body2')
        if mark:
            el.mark(mark)


Action = Callable[[int], Awaitable[None]]


def case_card(case: CaseOut, *, queue_position: int | None, on_retry: Action | None = None,
              on_refresh: Action | None = None, on_reply: Action | None = None, on_same_unit: Action | None = None,
              on_history: Action | None = None) -> None:
    """Render one case; without `on_retry` / `on_refresh` (viewers) the card has no retry buttons. A finished card
    offers the tools of issue 12 given: reply to the customer, the same unit in other cars, the history."""
    tools = {'on_reply': on_reply, 'on_same_unit': on_same_unit, 'on_history': on_history}
    result = case.result or {}
    with ui.card().classes(f'case-card case-{case.status} w-full') \
            .mark(f'case-card case-{case.id} case-{case.status}'):
        with ui.row().classes('w-full items-center justify-between'):
            with ui.row().classes('items-center gap-2'):
                ui.badge(t(f'status.{case.status}'), color=STATUS_COLORS.get(case.status, 'grey')) \
                    .mark('case-status')
                ui.label(f'{case.id_type} {case.value}').classes('mono font-medium break-all')
                if case.tag:
                    ui.label(t('case.tag', tag=case.tag)).classes('text-sm text-grey-8')
                if case.from_cache and case.cached_at:
                    ui.badge(t('case.from_cache', age=ago(case.cached_at)), color='blue-grey-5') \
                        .props('outline').mark('case-from-cache')
                if case.variant_selected_by == 'tag' and case.selected_variant:
                    # The plate matched another vehicle row than the first (whose gearbox the header shows): not a
                    # mismatch, but the OEM above is the first row's.
                    ui.badge(t('variants.tag_matches', n=case.selected_variant + 1), color='orange-8') \
                        .mark('case-tag-verification')
                elif case.tag_verification and case.tag_verification != 'NO_TAG':
                    ui.badge(t(f'tag.{case.tag_verification}'), color=TAG_COLORS.get(case.tag_verification)) \
                        .mark('case-tag-verification')
            ui.label(when(case.created_at)).classes('text-xs text-grey-7')
        if case.status in ('pending', 'running'):
            _progress(case, queue_position)
        elif case.status == 'completed':
            _result(case, result, on_refresh)
        else:
            _failure(case, result, on_retry)
        if case.status in ('completed', 'failed') and any(tools.values()):
            _tools(case, **tools)


def stage_text(case: CaseOut, queue_position: int | None = None) -> str:
    """The progress line of a pending/running card (marked `case-stage`; live pages update just this text)."""
    text = t(f'stage.{case.stage}') if case.stage else t(f'status.{case.status}')
    if case.stage == 'site_paused' and case.next_attempt_at:  # the site's breaker is open (issue 10 #10)
        text = t('stage.site_paused', time=case.next_attempt_at.astimezone().strftime('%H:%M'))
    elif case.status == 'running' and case.stage in ('opening', 'navigating', 'parsing', 'fallback'):
        text = t(f'wait.{case.stage}', s=f'{get_settings().lookup_deadline_s:.0f}')  # what it waits for
    if case.stage in (None, 'queued') and queue_position:
        text += ' · ' + t('case.queue_pos', n=queue_position)
    if case.stage in ('retry_wait', 'queue_unavailable') and case.error:
        text += f' ({t("outcome." + case.error.code)})' if case.error.code.isupper() else ''
    return text


def _progress(case: CaseOut, queue_position: int | None) -> None:
    with ui.row().classes('items-center gap-3'):
        ui.spinner(size='sm')
        ui.label(stage_text(case, queue_position)).mark('case-stage')
        elapsed = ui.label('').classes('text-grey-7 text-sm')

        def tick() -> None:
            elapsed.text = t('case.elapsed', s=int((utcnow() - case.created_at).total_seconds()))

        tick()
        ui.timer(1.0, tick)


def _result(case: CaseOut, result: dict, on_refresh: Action | None) -> None:
    vehicle = result.get('vehicle') or {}
    gearbox = result.get('gearbox') or {}
    evidence = result.get('evidence') or {}
    outcome = case.outcome or ''
    ui.label(t(f'outcome.{outcome}')).classes('text-sm text-grey-8').mark('case-outcome')
    with ui.row().classes('w-full gap-x-8 gap-y-2 items-start'):
        car = ' '.join(v for v in (vehicle.get('make'), vehicle.get('model')) if v)
        extra = ', '.join(v for v in (vehicle.get('year'), vehicle.get('engine'), vehicle.get('body')) if v)
        _field(t('case.vehicle'), car + (f' ({extra})' if extra else ''), mark='case-vehicle')
        # «КПП на странице не указана» is a sentence, not a code: monospace only for a real model.
        _field(t('case.gearbox'), gearbox.get('model') or t('case.no_gearbox'), mono=bool(gearbox.get('model')),
               mark='case-gearbox')
        _field(t('case.factory_code'), gearbox.get('factory_code'), mono=True, mark='case-factory-code')
        with ui.column().classes('gap-0'):
            ui.label(t('case.oem')).classes('label')
            with ui.row().classes('items-center gap-1'):
                oem = gearbox.get('oem')
                ui.label(oem or '—').classes('mono text-lg font-medium').mark('case-oem')
                if oem:
                    ui.button(icon='content_copy', on_click=lambda o=oem: _copy(o)).props('flat dense round size=sm') \
                        .tooltip(t('case.copy')).mark('case-copy')
    if gearbox.get('raw_model') and gearbox.get('raw_model') != gearbox.get('model'):
        ui.label(gearbox['raw_model']).classes('text-xs text-grey-7')
    variants_block(case, can_choose=on_refresh is not None)  # several vehicle rows on the site (issue 12 #2)
    if gearbox.get('needs_manual_kpp_code'):
        ui.label(t('case.manual_kpp')).classes('text-warning text-sm')
    candidates = gearbox.get('oem_candidates') or []
    if candidates:
        with ui.expansion(tn('case.candidates', len(candidates))).classes('w-full').props('dense'):
            ui.table(columns=[{'name': 'oem', 'label': 'OEM', 'field': 'oem', 'align': 'left'},
                              {'name': 'name', 'label': t('case.name'), 'field': 'name', 'align': 'left'}],
                     rows=[{'oem': c.get('oem'), 'name': c.get('name') or ''} for c in candidates]) \
                .props('dense flat').classes('w-full')
    _footer(case, evidence, on_refresh=on_refresh)


def _failure(case: CaseOut, result: dict, on_retry: Action | None) -> None:
    code = case.error.code if case.error else (case.outcome or '')
    raw = case.error.message if case.error and case.error.message and case.error.message != code else ''
    # The engine's outcome and detail in the user's language; its English detail stays at hand for support.
    reason = t(f'outcome.{code}') if has(f'outcome.{code}') else t('outcome.SITE_ERROR')
    detail = failure_detail(raw)
    with ui.row().classes('items-center gap-1'):
        ui.label(reason).classes('text-negative font-medium').mark('case-error')
        if raw:
            with ui.icon('info_outline', size='xs', color='grey-6').classes('cursor-help'):
                ui.tooltip(t('fail.raw_detail', detail=raw)).mark('case-error-raw')
    if detail:
        ui.label(detail).classes('text-sm text-grey-8').mark('case-error-detail')
    evidence = (result or {}).get('evidence') or {}
    if evidence.get('screenshot'):
        with ui.expansion(t('case.screenshot')).props('dense').classes('w-full'):
            ui.image(f'/api/lookups/{case.id}/screenshot').classes('w-full max-w-3xl border')
    _footer(case, evidence, on_retry=on_retry)


def _footer(case: CaseOut, evidence: dict, *, on_refresh: Action | None = None, on_retry: Action | None = None) -> None:
    with ui.row().classes('w-full items-center justify-between text-xs text-grey-7'):
        with ui.row().classes('items-center gap-3'):
            if evidence.get('source'):
                url = evidence.get('final_url')
                source = t('case.source', source=evidence['source'])
                if url:
                    ui.link(source, url, new_tab=True)
                else:
                    ui.label(source)
            if evidence.get('duration_ms') and not case.from_cache:
                ui.label(t('case.duration', s=number(evidence['duration_ms'] / 1000, '0.0')))
            if case.attempts > 1:
                ui.label(tn('case.attempts', case.attempts))
        if on_retry:
            ui.button(t('case.retry'), icon='replay', on_click=lambda: on_retry(case.id)) \
                .props('flat dense no-caps').mark('case-retry')
        if on_refresh:
            ui.button(t('case.refresh'), icon='refresh', on_click=lambda: on_refresh(case.id)) \
                .props('flat dense no-caps').mark('case-refresh')


def _tools(case: CaseOut, *, on_reply: Action | None, on_same_unit: Action | None,
           on_history: Action | None) -> None:
    with ui.row().classes('w-full items-center gap-1 border-t pt-1'):
        if on_reply:
            ui.button(t('reply.button'), icon='reply', on_click=lambda: on_reply(case.id)) \
                .props('flat dense no-caps color=primary').mark(f'case-reply case-reply-{case.id}')
        if on_same_unit and case.status == 'completed':
            ui.button(t('same.button'), icon='directions_car', on_click=lambda: on_same_unit(case.id)) \
                .props('flat dense no-caps').mark(f'case-same-unit case-same-unit-{case.id}')
        if on_history:
            ui.button(t('history.button'), icon='history', on_click=lambda: on_history(case.id)) \
                .props('flat dense no-caps').mark(f'case-history case-history-{case.id}')


def _copy(text: str) -> None:
    ui.clipboard.write(text)
    ui.notify(t('case.copied'), type='positive', timeout=1000)
