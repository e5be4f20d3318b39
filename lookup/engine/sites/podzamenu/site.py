"""One podzamenu lookup: flow steps plus pure parsing, folded into an Answer."""

from __future__ import annotations

import logging
from typing import Any

from playwright.sync_api import Page

from lookup.engine.identifiers import Identifier, IdType
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Gearbox
from lookup.engine.run import Run
from lookup.engine.sites.answer import Answer
from lookup.engine.sites.podzamenu import flow, parse

logger = logging.getLogger(__name__)
SOURCE = 'podzamenu'


def _excerpt(snap: dict[str, Any]) -> str:
    return (snap.get('text') or '')[:600]


def lookup(page: Page, run: Run, ident: Identifier, base_url: str) -> Answer:
    """Vehicle page → (model-only shortcut | navigation → parts view) → Answer."""
    is_vin = ident.kind is IdType.VIN
    wmi = ident.value[:3] if is_vin else ''
    state = flow.open_vehicle(page, run, base_url, ident.value)
    run.stage('parsing')
    snap = flow.snapshot(page, run)
    # No vehicle data and no catalogue: the site does not know the value, VIN or FRAME alike. (A frame page that
    # shows the catalogue but no title, Марка or КПП identified a vehicle: it goes on and may end NOT_AVAILABLE.)
    if state in ('not_found', 'empty'):
        return Answer(Outcome.VEHICLE_NOT_FOUND, dom_diag=snap['counts'], text_excerpt=_excerpt(snap),
                      message='visible not-found text' if state == 'not_found' else 'the app settled with no data')
    info = parse.parse_vehicle(snap)
    gearbox = parse.gearbox_from_vehicle(info, wmi=wmi)
    run.selectors_used.extend(info.selectors_used)
    if info.rows > 1:
        run.flags['severalVehicleRows'] = True
    shortcut = parse.model_only(info, gearbox, wmi=wmi, is_vin=is_vin)
    if shortcut is not None:
        run.flags['vwGroupEarlyExit' if wmi in parse.S.VW_WMIS else 'fordEarlyExit'] = True
        return Answer(Outcome.MODEL_ONLY, vehicle=info.vehicle, gearbox=shortcut, dom_diag=snap['counts'])
    run.stage('navigating')
    try:
        reached = flow.navigate(page, run, snap.get('link_count'))
    except flow.NavigationError as exc:
        # Not a definitive answer (it would be cached for everyone): transient, retried.
        return Answer(Outcome.SITE_ERROR, vehicle=info.vehicle, gearbox=gearbox, dom_diag=snap['counts'],
                      text_excerpt=_excerpt(snap), message=f'navigation failed: {exc}')
    if not reached:
        run.flags['gearboxLinkNotFound'] = True
        gearbox.needs_manual_kpp_code = not is_vin
        return Answer(Outcome.NOT_AVAILABLE, vehicle=info.vehicle, gearbox=gearbox, dom_diag=snap['counts'],
                      text_excerpt=_excerpt(snap), message='no route to the gearbox parts')
    run.stage('parsing')
    parts_snap = flow.snapshot(page, run)
    return _from_parts(run, info, gearbox, parts_snap, is_vin=is_vin)


def _from_parts(run: Run, info: parse.VehicleInfo, gearbox: Gearbox, snap: dict[str, Any], *,
                is_vin: bool) -> Answer:
    parts = parse.parse_parts(snap, skip_tables=set(info.table_signatures))
    run.selectors_used.extend(parts.selectors_used)
    if parts.marking:
        gearbox.factory_code = parts.marking  # the parts page overrides (§3.6)
    if gearbox.model is None and parts.model_hint:
        gearbox.model = parts.model_hint
        gearbox.raw_model = parts.model_hint
    valid = parts.valid
    if gearbox.factory_code is None and parts.factory_codes:
        gearbox.factory_code = parts.factory_codes[0]
    answer = Answer(Outcome.FOUND, vehicle=info.vehicle, gearbox=gearbox, dom_diag=snap['counts'])
    if not parts.raw:
        run.flags['gearboxPageParseFailed'] = True
        answer.outcome, answer.parse_failed = Outcome.NOT_AVAILABLE, True
        answer.message = 'parts view reached but nothing could be read'
    elif not valid:
        if parts.factory_codes and len(parts.factory_codes) == len(parts.raw):
            run.flags['oemTableHadOnlyFactoryCodes'] = True
        answer.outcome, gearbox.oem_status = Outcome.NOT_FOUND, OemStatus.NOT_FOUND
        answer.message = 'parts view without a valid OEM'
    else:
        chosen, ranked, reason = parse.choose(valid)
        gearbox.oem_candidates = ranked
        gearbox.oem = chosen.oem if chosen else None
        gearbox.oem_status = OemStatus.FOUND
        run.use(f'oem:{gearbox.oem} ({reason})')
    if answer.outcome is not Outcome.FOUND:
        answer.text_excerpt = _excerpt(snap)
        gearbox.needs_manual_kpp_code = not is_vin
    return answer
