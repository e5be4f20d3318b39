"""REST API (`/api`, bearer tokens). Thin: validate, call the service, map domain errors to HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from lookup import ops, service
from lookup.auth import Actor, actor_for_token
from lookup.db import session_scope
from lookup.errors import LookupError_, NotFound
from lookup.schemas import CacheOut, CaseOut, ConversationOut, MessageOut, Page
from lookup.settings import get_settings

router = APIRouter(prefix='/api', tags=['api'])


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


def bearer_actor(authorization: Annotated[str | None, Header()] = None) -> Actor:
    """`Authorization: Bearer <token>` → the token's user (tenant-scoped)."""
    if not authorization or not authorization.lower().startswith('bearer '):
        raise ApiError(401, 'UNAUTHORIZED', 'Send `Authorization: Bearer <token>`.', {'WWW-Authenticate': 'Bearer'})
    with session_scope() as s:
        actor = actor_for_token(session=s, token=authorization[7:].strip())
    if actor is None:
        raise ApiError(401, 'UNAUTHORIZED', 'Unknown or revoked token.', {'WWW-Authenticate': 'Bearer'})
    return actor


ActorDep = Annotated[Actor, Depends(bearer_actor)]


class LookupRequest(BaseModel):
    value: str = Field(min_length=1, max_length=100, description='VIN (17 characters) or FRAME, e.g. ZZT240-0012345')
    id_type: Literal['VIN', 'FRAME'] | None = None
    tag: str | None = Field(default=None, max_length=64, description='Marking from the gearbox plate')
    force_refresh: bool = False


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS = {401: {'model': ErrorOut}, 403: {'model': ErrorOut}, 404: {'model': ErrorOut}, 422: {'model': ErrorOut}}


@router.get('/health', tags=['ops'])
def health() -> dict[str, str]:
    """Liveness: the web process answers."""
    return {'status': 'ok'}


@router.get('/ready', tags=['ops'], responses={503: {'description': 'Not ready; the body says what failed'}})
def ready() -> JSONResponse:
    """Readiness: database, queue, worker heartbeat age, browser."""
    ok, checks = ops.readiness()
    return JSONResponse({'status': 'ok' if ok else 'unavailable', 'checks': checks}, status_code=200 if ok else 503)


@router.post('/conversations/{conversation_id}/lookups', status_code=202, response_model=CaseOut,
             responses={**ERRORS, 200: {'model': CaseOut, 'description': 'Answered from the cache'},
                        429: {'model': ErrorOut}})
def create_lookup(conversation_id: int, body: LookupRequest, actor: ActorDep) -> JSONResponse:
    """Start a lookup; 200 with a completed case on a cache hit, else 202 with the pending case."""
    case = service.submit_lookup(actor, conversation_id, body.value, id_type=body.id_type, tag=body.tag,
                                 force_refresh=body.force_refresh)
    return JSONResponse(case.model_dump(mode='json'), status_code=200 if case.from_cache else 202)


@router.get('/lookups/{case_id}', response_model=CaseOut, responses=ERRORS)
def get_lookup(case_id: int, actor: ActorDep) -> CaseOut:
    """One lookup case with its result."""
    return service.get_case(actor, case_id)


@router.get('/lookups/{case_id}/screenshot', responses=ERRORS, response_class=FileResponse)
def lookup_screenshot(case_id: int, request: Request) -> FileResponse:
    """The failure screenshot of a case (for the UI; session or bearer auth)."""
    actor = _session_or_bearer(request)
    case = service.get_case(actor, case_id)
    rel = ((case.result or {}).get('evidence') or {}).get('screenshot')
    settings = get_settings()
    path = (settings.data_dir / rel).resolve() if rel else None
    if not path or not path.is_file() or settings.data_dir.resolve() not in path.parents:
        raise NotFound('No screenshot for this lookup.')
    return FileResponse(Path(path), media_type='image/png')


@router.get('/conversations/{conversation_id}/lookups', response_model=list[CaseOut], responses=ERRORS)
def list_lookups(conversation_id: int, actor: ActorDep) -> list[CaseOut]:
    """The conversation's lookups, newest first."""
    return service.list_cases(actor, conversation_id)


@router.get('/conversations', response_model=Page[ConversationOut], responses=ERRORS)
def list_conversations(actor: ActorDep, q: str = '', page: int = 1, page_size: int = 25,
                       lookup_status: Literal['pending', 'running', 'completed', 'failed'] | None = None,
                       needs_clarification: bool | None = None) -> Page[ConversationOut]:
    """Conversations of the caller's tenant, newest activity first."""
    return service.list_conversations(actor, q=q, lookup_status=lookup_status, page=page, page_size=page_size,
                                      needs_clarification=needs_clarification)


@router.get('/conversations/{conversation_id}/messages', response_model=list[MessageOut], responses=ERRORS)
def list_messages(conversation_id: int, actor: ActorDep) -> list[MessageOut]:
    """The conversation's messages, oldest first."""
    return service.list_messages(actor, conversation_id)


@router.get('/cache', response_model=Page[CacheOut], responses=ERRORS)
def list_cache(actor: ActorDep, q: str = '', page: int = 1, page_size: int = 25,
               sort: Literal['fetched_at', 'expires_at', 'value', 'make', 'gearbox_model', 'oem', 'outcome']
               = 'fetched_at', descending: bool = True) -> Page[CacheOut]:
    """Cached results (global: the same VIN has the same gearbox for everyone)."""
    return service.cache_page(actor, q=q, page=page, page_size=page_size, sort=sort, descending=descending)


@router.delete('/cache/{key}', responses=ERRORS)
def invalidate_one(key: str, actor: ActorDep) -> dict[str, int]:
    """Invalidate one cache row by key (`VIN:…` / `FRAME:…`)."""
    n = service.invalidate_cache(actor, [key])
    if not n:
        raise NotFound('No cache row with that key.')
    return {'deleted': n}


@router.delete('/cache', responses=ERRORS)
def invalidate_all(actor: ActorDep) -> dict[str, int]:
    """Invalidate the whole cache (admins only)."""
    return {'deleted': service.invalidate_cache(actor, None)}


class InboundMessage(BaseModel):
    channel: str = Field(min_length=1, max_length=32, examples=['telegram'])
    external_chat_id: str = Field(min_length=1, max_length=128)
    external_message_id: str = Field(min_length=1, max_length=128)
    customer_name: str | None = Field(default=None, max_length=200)
    text: str = Field(min_length=1, max_length=10_000)


class InboundResult(BaseModel):
    message: MessageOut
    lookup: CaseOut | None
    needs_clarification: bool
    duplicate: bool


@router.post('/inbound/messages', response_model=InboundResult, status_code=201,
             responses={**ERRORS, 200: {'model': InboundResult, 'description': 'Already received (idempotent)'}})
def inbound_message(body: InboundMessage, actor: ActorDep) -> JSONResponse:
    """Store a customer message; a single VIN/FRAME in it starts a lookup automatically."""
    msg, case, created = service.receive_message(actor, channel=body.channel, external_chat_id=body.external_chat_id,
                                                 external_message_id=body.external_message_id, text=body.text,
                                                 customer_name=body.customer_name)
    conv = service.get_conversation(actor, msg.conversation_id)
    out = InboundResult(message=msg, lookup=case, needs_clarification=conv.needs_clarification,
                        duplicate=not created)
    return JSONResponse(out.model_dump(mode='json'), status_code=201 if created else 200)


def _session_or_bearer(request: Request) -> Actor:
    from nicegui import app
    try:
        u = app.storage.user
        if u.get('authenticated'):
            return Actor(user_id=u['user_id'], tenant_id=u['tenant_id'], role=u['role'])
    except (RuntimeError, KeyError):
        pass
    return bearer_actor(request.headers.get('authorization'))


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({'error': {'code': code, 'message': message}}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the routes and the JSON error handlers (stable codes, never a stack trace)."""
    app.include_router(router)

    @app.get('/metrics', include_in_schema=False)
    def metrics() -> Response:
        return Response(ops.metrics_text(), media_type='text/plain; version=0.0.4')

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(LookupError_)
    async def _domain_error(_: Request, exc: LookupError_) -> JSONResponse:
        headers = {'Retry-After': str(exc.retry_after)} if hasattr(exc, 'retry_after') else None
        return _error(exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = '.'.join(str(p) for p in first.get('loc', ()) if p != 'body')
        return _error(422, 'VALIDATION_ERROR', f'{where}: {first.get("msg", "invalid request")}'.strip(': '))
