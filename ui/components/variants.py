"""Several vehicle variants of one lookup, side by side: the manager marks the customer's car («Это он»).

The site can list several vehicle rows for one VIN (issue 12 #2). The card keeps the first row as its main result
(the site's catalogue, hence the OEM, is that row's); this block shows every row with its own gearbox. A choice
goes straight to the service; the service's case-changed push re-renders the card with the new highlight.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from lookup import service
from lookup.errors import LookupError_
from lookup.schemas import CaseOut
from ui.i18n import exception_text, t, tn
from ui.session import act


def variants_block(case: CaseOut, *, can_choose: bool) -> None:
    """Render the variants of a completed case (nothing when the site showed one vehicle)."""
    variants: list[dict[str, Any]] = (case.result or {}).get('variants') or []
    if len(variants) < 2:
        return
    with ui.column().classes('w-full gap-1').mark('case-variants'):
        with ui.row().classes('items-baseline gap-2'):
            ui.label(tn('variants.title', len(variants))).classes('font-medium')
            if case.selected_variant is None:
                ui.label(t('variants.hint')).classes('text-sm text-grey-8').mark('variants-hint')
            elif case.variant_selected_by == 'tag':
                # The header's tag badge compares the tag with the first row (the main result): say which row it fits.
                ui.label(t('variants.tag_matches', n=case.selected_variant + 1)).classes('text-sm text-positive') \
                    .mark('variants-tag-matches')
        # One column on a phone, side by side from Tailwind's `sm` up (at most three per line).
        with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 gap-2'):
            for index, variant in enumerate(variants):
                _variant(case, index, variant, can_choose=can_choose)


def _variant(case: CaseOut, index: int, variant: dict[str, Any], *, can_choose: bool) -> None:
    chosen = case.selected_variant == index
    look = 'border-2 bg-green-1' if chosen else 'border'
    vehicle = variant.get('vehicle') or {}
    color = 'var(--q-positive)' if chosen else '#bdbdbd'
    with ui.column().classes(f'variant-card {look} rounded p-2 gap-1 min-w-0').style(f'border-color: {color}') \
            .mark(f'variant variant-{index}' + (' variant-selected' if chosen else '')):
        with ui.row().classes('w-full items-center justify-between gap-1'):
            ui.label(t('variants.number', n=index + 1)).classes('text-sm font-medium')
            if chosen:
                text = t('variants.by_tag') if case.variant_selected_by == 'tag' else t('variants.chosen')
                ui.badge(text, color='positive').mark('variant-selected-by')
        car = ' '.join(v for v in (vehicle.get('make'), vehicle.get('model')) if v)
        extra = ', '.join(v for v in (vehicle.get('year'), vehicle.get('engine'), vehicle.get('body'),
                                      vehicle.get('transmission'), vehicle.get('drive')) if v)
        ui.label(car + (f' ({extra})' if extra else '') or '—').classes('text-sm break-words')
        _line(t('case.gearbox'), variant.get('model') or t('case.no_gearbox'), mono=bool(variant.get('model')))
        _line(t('case.factory_code'), variant.get('factory_code'), mono=True)
        if variant.get('oem'):
            _line(t('case.oem'), variant['oem'], mono=True)
        elif index:
            ui.label(t('variants.oem_first')).classes('text-xs text-grey-7')
        if variant.get('raw_model') and variant.get('raw_model') != variant.get('model'):
            ui.label(variant['raw_model']).classes('text-xs text-grey-7 break-words')
        if can_choose and not chosen:
            ui.button(t('variants.choose'), icon='check', on_click=lambda i=index: _choose(case.id, i)) \
                .props('outline dense no-caps size=sm').classes('self-start').mark(f'variant-choose-{index}')


def _line(label: str, value: str | None, *, mono: bool = False) -> None:
    with ui.row().classes('items-baseline gap-2 no-wrap'):
        ui.label(label).classes('label')
        ui.label(value or '—').classes('mono break-all' if mono and value else 'text-body2')


async def _choose(case_id: int, index: int) -> None:
    # No toast on success: the push re-renders this very card (and this button) with the new highlight.
    try:
        await act(lambda a: service.select_variant(a, case_id, index))
    except LookupError_ as exc:  # a demoted user, or the result changed meanwhile
        ui.notify(exception_text(exc), type='negative')
