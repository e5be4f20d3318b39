"""REST routes of issue 12 #1, #3, #6: replies to the customer, same unit in other cars, history per identifier.

Thin, like lookup/web/api.py (whose auth, error bodies and validators these reuse): validate, call the service.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lookup import replies, units
from lookup.schemas import MessageOut
from lookup.templates import KINDS
from lookup.web.api import AUTHED, ActorDep, CacheKey, Id, Text, _errors, _normalise_key

router = APIRouter(prefix='/api', tags=['replies'])
Kind = Literal['found', 'model_only', 'need_plate', 'not_found', 'site_unavailable']
assert set(Kind.__args__) == set(KINDS)  # type: ignore[attr-defined]


class ReplyRequest(BaseModel):
    text: Text | None = Field(default=None, min_length=1, max_length=replies.MAX_REPLY,
                              description='The reply as the manager edited it; omit it to send the template filled '
                                          'from `case_id`')
    case_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description='The lookup the reply answers')
    kind: Kind | None = Field(default=None, description="The template (default: the case outcome's)")


class TemplateIn(BaseModel):
    text: Text = Field(min_length=1, max_length=4000, description='`$placeholder` text (see GET /api/replies/settings)')


class WebhookIn(BaseModel):
    url: Text | None = Field(default=None, max_length=replies.MAX_URL,
                             description='http:// or https:// URL; empty or null switches delivery off')
    new_secret: bool = Field(default=False, description='Make a new signing secret')


@router.get('/lookups/{case_id}/reply', response_model=replies.ReplyPreview, responses=_errors(*AUTHED, 404))
def preview_reply(case_id: Id, actor: ActorDep, kind: Kind | None = None) -> replies.ReplyPreview:
    """The reply for a finished lookup, filled from it (422 while it runs); `kind` picks another template."""
    return replies.preview_reply(actor, case_id, kind)


@router.post('/conversations/{conversation_id}/replies', status_code=201, response_model=MessageOut,
             responses=_errors(*AUTHED, 400, 403, 404))
def post_reply(conversation_id: Id, body: ReplyRequest, actor: ActorDep) -> MessageOut:
    """Send an outgoing message (admin, manager): stored, then delivered to the tenant's webhook (`pending`)."""
    return replies.post_reply(actor, conversation_id, text=body.text, case_id=body.case_id, kind=body.kind)


@router.get('/messages/{message_id}', response_model=MessageOut, responses=_errors(*AUTHED, 404))
def get_message(message_id: Id, actor: ActorDep) -> MessageOut:
    """One message with its delivery state (outgoing messages)."""
    return replies.get_message(actor, message_id)


@router.post('/messages/{message_id}/delivery', response_model=MessageOut, responses=_errors(*AUTHED, 403, 404, 409))
def retry_delivery(message_id: Id, actor: ActorDep) -> MessageOut:
    """Deliver a failed outgoing message again (admin, manager); 409 unless its delivery failed."""
    return replies.retry_delivery(actor, message_id)


@router.get('/replies/templates', response_model=list[replies.TemplateOut], responses=_errors(*AUTHED))
def list_templates(actor: ActorDep) -> list[replies.TemplateOut]:
    """The tenant's reply templates (defaults until an admin edits them)."""
    return replies.list_templates(actor)


@router.put('/replies/templates/{kind}', response_model=replies.TemplateOut,
            responses=_errors(*AUTHED, 400, 403))
def save_template(kind: Kind, body: TemplateIn, actor: ActorDep) -> replies.TemplateOut:
    """Change a template (admin); an unknown `$placeholder` or a stray `$` is 422."""
    return replies.save_template(actor, kind, body.text)


@router.delete('/replies/templates/{kind}', response_model=replies.TemplateOut, responses=_errors(*AUTHED, 403))
def reset_template(kind: Kind, actor: ActorDep) -> replies.TemplateOut:
    """Put a template back to the default text (admin)."""
    return replies.reset_template(actor, kind)


@router.get('/replies/settings', response_model=replies.ReplySettingsOut, responses=_errors(*AUTHED, 403))
def reply_settings(actor: ActorDep) -> replies.ReplySettingsOut:
    """The outbound webhook, its signing secret and the placeholders (admin)."""
    return replies.get_reply_settings(actor)


@router.put('/replies/settings', response_model=replies.ReplySettingsOut, responses=_errors(*AUTHED, 400, 403))
def set_reply_settings(body: WebhookIn, actor: ActorDep) -> replies.ReplySettingsOut:
    """Set where replies are delivered (admin; http/https only, else 422)."""
    return replies.set_webhook(actor, body.url, new_secret=body.new_secret)


@router.get('/lookups/{case_id}/same-unit', response_model=units.SameUnit, responses=_errors(*AUTHED, 404))
def same_unit(case_id: Id, actor: ActorDep) -> units.SameUnit:
    """Other cars in the tenant's lookups with this lookup's OEM or gearbox code, newest first."""
    return units.same_unit(actor, case_id)


@router.get('/lookups/{case_id}/history', response_model=units.History, responses=_errors(*AUTHED, 404))
def case_history(case_id: Id, actor: ActorDep) -> units.History:
    """Every lookup of this lookup's VIN/FRAME in the tenant, oldest first, with what changed between results."""
    return units.history_for_case(actor, case_id)


@router.get('/history/{key}', response_model=units.History, responses=_errors(*AUTHED, 404))
def key_history(key: CacheKey, actor: ActorDep) -> units.History:
    """The same by identifier key (`VIN:…` / `FRAME:…`, as on the cache page); 404 if the tenant never looked it up."""
    return units.history_for_key(actor, _normalise_key(key))

