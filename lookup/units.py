"""«Same unit, other cars» and the history of one identifier (issue 12 #3, #6). Tenant-scoped reads.

Both read only the caller's tenant's own cases: the shared cache knows nothing about who asked, and another tenant's
lookups are never counted, listed or hinted at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from lookup.auth import Actor
from lookup.db import session_scope
from lookup.errors import NotFound
from lookup.sessions import recheck
from models import CaseStatus, LookupCase
from models.dbtypes import saved_id

SAME_UNIT_LIMIT = 100
"""Cars listed at most (the newest); `total` says how many there are."""
_SCAN = 2000
"""Matching cases read at most (one car looked up many times is one row)."""
HISTORY_LIMIT = 200
COMPARED = ('outcome', 'oem', 'gearbox', 'factory_code', 'make', 'model')
"""What a history entry compares with the previous result (`gearbox` is the clean gearbox code)."""


class SameUnitCar(BaseModel):
    case_id: int
    """The newest case of that car (open it: `/conversations/{conversation_id}`)."""
    conversation_id: int
    id_type: str
    value: str
    make: str | None
    model: str | None
    year: str | None
    gearbox: str | None
    factory_code: str | None
    oem: str | None
    matched_by: list[str]
    """`oem` and/or `gearbox` (the clean code or the factory code)."""
    looked_up_at: datetime
    lookups: int
    """How many of the tenant's lookups found this car with this unit."""


class SameUnit(BaseModel):
    case_id: int
    oem: str | None
    gearbox: str | None
    factory_code: str | None
    total: int
    cars: list[SameUnitCar]


class HistoryChange(BaseModel):
    field: str
    before: str | None
    after: str | None


class HistoryEntry(BaseModel):
    case_id: int
    conversation_id: int
    created_at: datetime
    status: str
    outcome: str | None
    from_cache: bool
    result_fetched_at: datetime | None
    """When the result was read from the site (a cache hit repeats an older visit)."""
    make: str | None
    model: str | None
    year: str | None
    gearbox: str | None
    factory_code: str | None
    oem: str | None
    tag: str | None
    compared_with: int | None
    """The earlier case this one's result is compared with (the previous one that has a result)."""
    changes: list[HistoryChange]


class History(BaseModel):
    key: str
    id_type: str
    value: str
    total: int
    entries: list[HistoryEntry]
    """Oldest first."""


def _facts(result: dict[str, Any] | None) -> dict[str, str | None]:
    result = result or {}
    vehicle, gearbox = result.get('vehicle') or {}, result.get('gearbox') or {}
    return {'make': vehicle.get('make'), 'model': vehicle.get('model'), 'year': vehicle.get('year'),
            'gearbox': gearbox.get('model'), 'factory_code': gearbox.get('factory_code'), 'oem': gearbox.get('oem')}


def _own_case(s: Session, actor: Actor, case_id: int) -> LookupCase:
    case = s.get(LookupCase, case_id)
    if case is None or case.tenant_id != actor.tenant_id:
        raise NotFound('Lookup not found.')
    return case


def same_unit(actor: Actor, case_id: int) -> SameUnit:
    """Every other car in the tenant's completed lookups with this case's OEM or gearbox code, newest first."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        case = _own_case(s, actor, case_id)
        facts = _facts(case.result)
        codes = {k for k in (case.gearbox_key, case.factory_key) if k}
        match: list[sa.ColumnElement[bool]] = []
        if case.oem_key:
            match.append(col(LookupCase.oem_key) == case.oem_key)
        if codes:
            match += [col(LookupCase.gearbox_key).in_(codes), col(LookupCase.factory_key).in_(codes)]
        out = SameUnit(case_id=case.id, oem=facts['oem'], gearbox=facts['gearbox'],
                       factory_code=facts['factory_code'], total=0, cars=[])
        if case.status != CaseStatus.COMPLETED or not match:
            return out
        rows = s.exec(select(LookupCase).where(
            LookupCase.tenant_id == actor.tenant_id, LookupCase.status == CaseStatus.COMPLETED,
            LookupCase.cache_key != case.cache_key, sa.or_(*match))
            .order_by(col(LookupCase.id).desc()).limit(_SCAN)).all()
        cars: dict[str, SameUnitCar] = {}
        for row in rows:  # newest first: the first row of a car is its latest lookup
            if row.cache_key in cars:
                cars[row.cache_key].lookups += 1
                continue
            f = _facts(row.result)
            by = (['oem'] if case.oem_key and row.oem_key == case.oem_key else []) + \
                (['gearbox'] if {row.gearbox_key, row.factory_key} & codes else [])
            cars[row.cache_key] = SameUnitCar(
                case_id=row.id, conversation_id=row.conversation_id, id_type=row.id_type, value=row.value,
                make=f['make'], model=f['model'], year=f['year'], gearbox=f['gearbox'],
                factory_code=f['factory_code'], oem=f['oem'], matched_by=by, looked_up_at=row.created_at, lookups=1)
        out.total = len(cars)
        out.cars = list(cars.values())[:SAME_UNIT_LIMIT]
        return out


def _has_result(case: LookupCase) -> bool:
    """A result about the vehicle (completed, or the site's definitive «unknown VIN»), not a failed visit."""
    return case.status == CaseStatus.COMPLETED or case.outcome == 'VEHICLE_NOT_FOUND'


def _history(s: Session, actor: Actor, cache_key: str) -> History:
    cases = list(s.exec(select(LookupCase).where(LookupCase.tenant_id == actor.tenant_id,
                                                 LookupCase.cache_key == cache_key)
                        .order_by(col(LookupCase.created_at).desc(), col(LookupCase.id).desc())
                        .limit(HISTORY_LIMIT)).all())
    if not cases:
        raise NotFound('No lookups of this identifier.')
    cases.reverse()
    entries: list[HistoryEntry] = []
    previous: tuple[int, dict[str, str | None]] | None = None
    for c in cases:
        facts = {**_facts(c.result), 'outcome': c.outcome}
        changes: list[HistoryChange] = []
        compared = None
        if _has_result(c):
            if previous is not None:
                compared = previous[0]
                changes = [HistoryChange(field=k, before=previous[1].get(k), after=facts.get(k)) for k in COMPARED
                           if (previous[1].get(k) or None) != (facts.get(k) or None)]
            previous = (saved_id(c), facts)
        entries.append(HistoryEntry(case_id=c.id, conversation_id=c.conversation_id, created_at=c.created_at,
                                    status=c.status, outcome=c.outcome, from_cache=c.from_cache,
                                    result_fetched_at=c.result_fetched_at, tag=c.tag, compared_with=compared,
                                    changes=changes, **{k: facts[k] for k in (
                                        'make', 'model', 'year', 'gearbox', 'factory_code', 'oem')}))
    total = s.exec(select(sa.func.count()).where(LookupCase.tenant_id == actor.tenant_id,
                                                 LookupCase.cache_key == cache_key)).one()
    return History(key=cache_key, id_type=cases[0].id_type, value=cases[0].value, total=total, entries=entries)


def history_for_case(actor: Actor, case_id: int) -> History:
    """Every lookup of this case's VIN/FRAME in the tenant's cases, oldest first, with what changed."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        return _history(s, actor, _own_case(s, actor, case_id).cache_key)


def history_for_key(actor: Actor, cache_key: str) -> History:
    """The same by cache key (`VIN:…` / `FRAME:…`, the cache page's rows); 404 when the tenant never looked it up."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        return _history(s, actor, cache_key)
