"""REST route of the site-change alarm (issue 12 #5). Thin, like lookup/web/api.py."""

from __future__ import annotations

from fastapi import APIRouter

from lookup import site_health
from lookup.errors import Forbidden
from lookup.web.api import AUTHED, ActorDep, _errors

router = APIRouter(prefix='/api', tags=['ops'])


@router.get('/site-alarms', response_model=list[site_health.AlarmOut], responses=_errors(*AUTHED, 403))
def site_alarms(actor: ActorDep) -> list[site_health.AlarmOut]:
    """Open site-change alarms with the failing step and links to the tenant's evidence (admins)."""
    if not (actor.is_admin or actor.is_operator):
        raise Forbidden('Only admins see site alarms.')
    return site_health.open_alarms(actor, with_evidence=True)
