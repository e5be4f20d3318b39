"""REST API (`/api`, bearer tokens). Thin: validate, call the service, map domain errors to HTTP.

Every error under `/api` is JSON `{"error": {"code", "message"}}` with a stable code (docs/api.md), including
unknown paths (404), wrong methods (405) and unhandled exceptions (500, logged with a reference, never a trace).
"""

from __future__ import annotations

import hmac
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from http import HTTPStatus
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lookup import service, sessions
from lookup.auth import Actor, actor_for_token
from lookup.db import session_scope
from lookup.engine import identifiers
from lookup.engine.errors import CodedError
from lookup.errors import InvalidIdentifier, NotFound
from lookup.schemas import CacheOut, CaseOut, ConversationOut, MessageOut, Page
from lookup.settings import get_settings
from lookup.web import ops

logger = logging.getLogger(__name__)
router = APIRouter(prefix='/api', tags=['api'])
MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in PostgreSQL; larger ones cannot exist (and would overflow the driver)."""


class ApiError(Exception):
    """An error answered as-is by the JSON error handler (auth failures, unknown paths)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _storable(value: str) -> str:
    """Text must survive PostgreSQL and UTF-8: no NUL characters, no lone surrogates."""
    if '\x00' in value:
        raise ValueError('must not contain NUL characters')
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        raise ValueError('must be valid Unicode text') from None
    return value


Text = Annotated[str, AfterValidator(_storable)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# The list endpoints' query: a search text, a page number and a page size.
SearchText = Annotated[Text, Query(max_length=100)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]

_bearer = HTTPBearer(auto_error=False, description='An API token: `Authorization: Bearer pzl_…` (admins issue them '
                                                   'on /admin/users or with `python main.py create-token`).')
_UNAUTHORIZED = {'WWW-Authenticate': 'Bearer'}


def bearer_actor(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Actor:
    """`Authorization: Bearer <token>` → the token's active user (tenant-scoped)."""
    if creds is None or not creds.credentials:
        raise ApiError(401, 'UNAUTHORIZED', 'Send `Authorization: Bearer <token>`.', _UNAUTHORIZED)
    with session_scope() as s:
        actor = actor_for_token(session=s, token=creds.credentials.strip())
    if actor is None:
        raise ApiError(401, 'UNAUTHORIZED', 'Unknown or revoked token, or the user is deactivated.', _UNAUTHORIZED)
    return actor


def session_or_bearer_actor(request: Request,
                            creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Actor:
    """The bearer token's user if one is sent, else the user of the browser's live session (re-checked now)."""
    if creds is not None:
        return bearer_actor(creds)
    token = request.session.get('sid') if 'session' in request.scope else None
    if token:
        with session_scope() as s:
            actor = sessions.actor_for(session=s, token=token)
        if actor is not None:
            return actor
    return bearer_actor(None)


ActorDep = Annotated[Actor, Depends(bearer_actor)]


class LookupRequest(BaseModel):
    value: Text = Field(min_length=1, max_length=100,
                        description='VIN (17 characters) or FRAME, e.g. ZZT240-0012345')
    id_type: Literal['VIN', 'FRAME'] | None = None
    tag: Text | None = Field(default=None, max_length=64, description='Marking from the gearbox plate')
    force_refresh: bool = False


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {'model': ErrorOut, 'description': HTTPStatus(code).phrase} for code in (*codes, 422, 500)}


AUTHED = (401,)


@router.get('/health', tags=['ops'], responses=_errors())
def health() -> dict[str, str]:
    """Liveness: the web process answers."""
    return {'status': 'ok'}


@router.get('/ready', tags=['ops'], responses={503: {'description': 'Not ready; the body says what failed'},
                                               **_errors()})
def ready() -> JSONResponse:
    """Readiness: database, queue, worker heartbeat age, browser (no tenant data: it needs no credentials)."""
    ok, checks = ops.readiness()
    return JSONResponse({'status': 'ok' if ok else 'unavailable', 'checks': checks}, status_code=200 if ok else 503)


@router.post('/conversations/{conversation_id}/lookups', status_code=202, response_model=CaseOut,
             responses={**_errors(*AUTHED, 400, 403, 404, 429),
                        200: {'model': CaseOut, 'description': 'Answered from the cache'}})
def create_lookup(conversation_id: Id, body: LookupRequest, actor: ActorDep) -> JSONResponse:
    """Start a lookup (admin, manager); 200 with a completed case on a cache hit, else 202 with the pending case."""
    case = service.submit_lookup(actor, conversation_id, body.value, id_type=body.id_type, tag=body.tag,
                                 force_refresh=body.force_refresh)
    return JSONResponse(case.model_dump(mode='json'), status_code=200 if case.from_cache else 202)


@router.get('/lookups/{case_id}', response_model=CaseOut, responses=_errors(*AUTHED, 404))
def get_lookup(case_id: Id, actor: ActorDep) -> CaseOut:
    """One lookup case of the caller's tenant, with its result."""
    return service.get_case(actor, case_id)


class VariantChoice(BaseModel):
    variant: int | None = Field(ge=0, le=1000, description='Index into `result.variants`; null clears the choice')


@router.put('/lookups/{case_id}/variant', response_model=CaseOut, responses=_errors(*AUTHED, 400, 403, 404, 422))
def choose_variant(case_id: Id, body: VariantChoice, actor: ActorDep) -> CaseOut:
    """Mark which vehicle variant is the customer's car (admin, manager); `variant_selected_by` becomes `manager`."""
    return service.select_variant(actor, case_id, body.variant)


@router.get('/lookups/{case_id}/screenshot', response_class=Response,
            responses={**_errors(*AUTHED, 404), 200: {'content': {'image/png': {}}, 'description': 'PNG'}})
def lookup_screenshot(case_id: Id, actor: Annotated[Actor, Depends(session_or_bearer_actor)]) -> Response:
    """The failure screenshot of a case (for the UI; session or bearer auth)."""
    case = service.get_case(actor, case_id)
    # Evidence lives in the database (lookup/evidence.py, issue 10 #12): any web process on any host can serve it.
    from lookup import evidence
    found = evidence.read(((case.result or {}).get('evidence') or {}).get('screenshot'))
    if found is None:
        raise NotFound('No screenshot for this lookup.')
    return Response(found[0], media_type='image/png')


@router.get('/conversations/{conversation_id}/lookups', response_model=list[CaseOut],
            responses=_errors(*AUTHED, 404))
def list_lookups(conversation_id: Id, actor: ActorDep) -> list[CaseOut]:
    """The conversation's lookups, newest first."""
    return service.list_cases(actor, conversation_id)


@router.get('/conversations', response_model=Page[ConversationOut], responses=_errors(*AUTHED))
def list_conversations(actor: ActorDep, q: SearchText = '', page: PageNo = 1, page_size: PageSize = 25,
                       lookup_status: Literal['pending', 'running', 'completed', 'failed'] | None = None,
                       needs_clarification: bool | None = None) -> Page[ConversationOut]:
    """Conversations of the caller's tenant, newest activity first."""
    return service.list_conversations(actor, q=q, lookup_status=lookup_status, page=page, page_size=page_size,
                                      needs_clarification=needs_clarification)


@router.get('/conversations/{conversation_id}', response_model=ConversationOut, responses=_errors(*AUTHED, 404))
def get_conversation(conversation_id: Id, actor: ActorDep) -> ConversationOut:
    """One conversation of the caller's tenant."""
    return service.get_conversation(actor, conversation_id)


@router.get('/conversations/{conversation_id}/messages', response_model=list[MessageOut],
            responses=_errors(*AUTHED, 404))
def list_messages(conversation_id: Id, actor: ActorDep) -> list[MessageOut]:
    """The conversation's messages, oldest first."""
    return service.list_messages(actor, conversation_id)


@router.get('/cache', response_model=Page[CacheOut], responses=_errors(*AUTHED))
def list_cache(actor: ActorDep, q: SearchText = '', page: PageNo = 1, page_size: PageSize = 25,
               sort: Literal['fetched_at', 'expires_at', 'value', 'make', 'gearbox_model', 'oem', 'outcome']
               = 'fetched_at', descending: bool = True) -> Page[CacheOut]:
    """Cached results that the caller's tenant's lookups used (the cache is shared; a tenant sees its own part)."""
    return service.cache_page(actor, q=q, page=page, page_size=page_size, sort=sort, descending=descending)


CacheKey = Annotated[str, Path(min_length=5, max_length=48, pattern=r'^(VIN|FRAME):[A-Za-z0-9-]+$',
                               description='`VIN:<vin>` or `FRAME:<frame>` (the `key` of a cache row)')]


def _normalise_key(key: str) -> str:
    kind, _, value = key.partition(':')
    try:
        return identifiers.parse(value, kind.upper()).cache_key
    except InvalidIdentifier:
        return f'{kind.upper()}:{value.upper()}'


@router.delete('/cache/{key}', responses=_errors(*AUTHED, 403, 404))
def invalidate_one(key: CacheKey, actor: ActorDep) -> dict[str, int]:
    """Invalidate one cache row by key (admin, manager), if the caller's tenant used it (else 404)."""
    n = service.invalidate_cache(actor, [_normalise_key(key)])
    if not n:
        raise NotFound('No cache row with that key.')
    return {'deleted': n}


@router.delete('/cache', responses=_errors(*AUTHED, 403))
def invalidate_all(actor: ActorDep) -> dict[str, int]:
    """Invalidate every row the caller's tenant used (admins); a platform operator empties the whole cache."""
    return {'deleted': service.invalidate_cache(actor, None)}


class InboundMessage(BaseModel):
    channel: Text = Field(min_length=1, max_length=32, examples=['telegram'])
    external_chat_id: Text = Field(min_length=1, max_length=128)
    external_message_id: Text = Field(min_length=1, max_length=128,
                                      description='Idempotency key within the chat: a repeat answers 200')
    customer_name: Text | None = Field(default=None, max_length=200)
    text: Text = Field(min_length=1, max_length=10_000)


class InboundResult(BaseModel):
    message: MessageOut
    lookup: CaseOut | None
    needs_clarification: bool
    duplicate: bool


@router.post('/inbound/messages', response_model=InboundResult, status_code=201,
             responses={**_errors(*AUTHED, 400, 403), 200: {'model': InboundResult,
                                                       'description': 'Already received (idempotent)'}})
def inbound_message(body: InboundMessage, actor: ActorDep) -> JSONResponse:
    """Store a customer message (admin, manager); a single VIN/FRAME in it starts a lookup automatically."""
    receive = partial(service.receive_message, actor, channel=body.channel, external_chat_id=body.external_chat_id,
                      external_message_id=body.external_message_id, text=body.text, customer_name=body.customer_name)
    try:
        msg, case, created = receive()
    except IntegrityError:  # a concurrent delivery of the same message/chat won the insert: this one is a repeat
        msg, case, created = receive()
    if not created and case is None:  # a repeat answers with the lookup the first delivery started, if any
        case = next((c for c in service.list_cases(actor, msg.conversation_id) if c.message_id == msg.id), None)
    conv = service.get_conversation(actor, msg.conversation_id)
    out = InboundResult(message=msg, lookup=case, needs_clarification=conv.needs_clarification,
                        duplicate=not created)
    return JSONResponse(out.model_dump(mode='json'), status_code=201 if created else 200)


# --- errors -------------------------------------------------------------------------------------------------------

def is_api_path(path: str) -> bool:
    return path == '/api' or path.startswith('/api/')


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({'error': {'code': code, 'message': message}}, status_code=status, headers=headers)


def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    if status == 404:
        message = f'No such API endpoint: {request.method} {request.url.path}'
    elif status == 405:
        allowed = (exc.headers or {}).get('Allow') or (exc.headers or {}).get('allow')
        message = f'{request.method} is not allowed here' + (f'; use {allowed}.' if allowed else '.')
    else:
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    try:
        code = HTTPStatus(status).name
    except ValueError:
        code = 'HTTP_ERROR'
    return _error(status, code, message, dict(exc.headers) if exc.headers else None)


# The exception's class depends on the key it is registered for (404 → HTTPException), hence Any.
Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def _api_first(app: FastAPI, key: int | type[Exception], fallback: Handler) -> None:
    """Answer `key` errors under /api with JSON; hand everything else to the handler registered before (NiceGUI's
    HTML error page for 404, FastAPI's default for other HTTP errors). Idempotent: the test fixture re-runs setup."""
    previous = app.exception_handlers.get(key, fallback)
    previous = getattr(previous, 'api_previous', previous)

    async def handler(request: Request, exc: Exception) -> Response:
        if is_api_path(request.url.path) and isinstance(exc, StarletteHTTPException):
            return _http_error(request, exc)
        response = previous(request, exc)
        return await response if inspect.isawaitable(response) else response

    handler.api_previous = previous  # type: ignore[attr-defined]
    app.exception_handlers[key] = handler


class ApiErrorMiddleware:
    """Turns an unhandled exception under /api into a JSON 500 (logged with a reference to quote)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not is_api_path(scope['path']):
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message['type'] == 'http.response.start'
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            ref = uuid.uuid4().hex[:12]
            logger.exception('unhandled error in %s %s (ref %s)', scope.get('method'), scope['path'], ref)
            if started:  # too late for a JSON body; the server closes the connection
                raise
            await _error(500, 'INTERNAL_ERROR', f'Internal error (ref {ref}); it has been logged.')(
                scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the routes and the JSON error handlers (stable codes, never a stack trace)."""
    from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler

    # issue 12: batches, the site alarm, replies (+ same unit, history); their routes reuse this module's parts
    from lookup.web import alarm_api, batch_api, replies

    app.include_router(router)
    app.include_router(batch_api.router)
    app.include_router(alarm_api.router)
    app.include_router(replies.router)
    app.add_middleware(ApiErrorMiddleware)

    @app.get('/metrics', include_in_schema=False)
    def metrics(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Response:
        """Prometheus metrics: `Authorization: Bearer <METRICS_TOKEN>` (off without that setting; see METRICS_BIND)."""
        expected = get_settings().metrics_token
        if not expected:
            return Response('Not Found\n', status_code=404, media_type='text/plain')
        if creds is None or not hmac.compare_digest(creds.credentials.encode(), expected.encode()):
            return Response('Unauthorized\n', status_code=401, headers=_UNAUTHORIZED, media_type='text/plain')
        return Response(ops.metrics_text(), media_type='text/plain; version=0.0.4')

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(sessions.SessionEnded)
    async def _session_ended(_: Request, exc: sessions.SessionEnded) -> JSONResponse:
        return _error(401, exc.code, exc.message, _UNAUTHORIZED)

    @app.exception_handler(CodedError)  # the service's errors and the engine's InvalidIdentifier
    async def _domain_error(_: Request, exc: CodedError) -> JSONResponse:
        headers = {'Retry-After': str(exc.retry_after)} if hasattr(exc, 'retry_after') else None
        return _error(exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not is_api_path(request.url.path):
            return await request_validation_exception_handler(request, exc)
        first = exc.errors()[0] if exc.errors() else {}
        where = '.'.join(str(p) for p in first.get('loc', ()) if p != 'body')
        msg = first.get('msg', 'invalid request')
        return _error(422, 'VALIDATION_ERROR', f'{where}: {msg}' if where else msg)

    _api_first(app, 404, http_exception_handler)
    _api_first(app, StarletteHTTPException, http_exception_handler)
