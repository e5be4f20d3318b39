"""REST routes of batch lookups and the table exports (issue 12 #4). Thin, like lookup/web/api.py."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from lookup import batches, exports, service
from lookup.auth import Actor
from lookup.errors import InvalidBatch
from lookup.schemas import BatchItemOut, BatchOut
from lookup.web.api import AUTHED, ActorDep, Id, Text, _errors, session_or_bearer_actor

router = APIRouter(prefix='/api', tags=['batches'])
Format = Literal['csv', 'xlsx']
BrowserOrBearer = Annotated[Actor, Depends(session_or_bearer_actor)]
MAX_UPLOAD = 1_000_000


class BatchRequest(BaseModel):
    name: Text = Field(default='', max_length=200, description='Shown in the batch list (default: the date)')
    text: Text | None = Field(default=None, max_length=100_000,
                              description='One VIN/FRAME per line, or CSV (`;` `,` or tab; column 2: gearbox tag)')
    values: list[Annotated[Text, Field(max_length=200)]] | None = Field(
        default=None, max_length=1000, description='The values as a list (at most 200 count)')

    @model_validator(mode='after')
    def _one_input(self) -> BatchRequest:
        if (self.text is None) == (self.values is None):
            raise ValueError('send exactly one of `text` and `values`')
        return self


def _file(f: exports.File) -> Response:
    return Response(f.content, media_type=f.media_type,
                    headers={'Content-Disposition': f'attachment; filename="{f.filename}"'})


@router.post('/batches/check', response_model=list[BatchItemOut], responses=_errors(*AUTHED, 400))
def check_batch(body: BatchRequest, actor: ActorDep) -> list[BatchItemOut]:
    """Validate a batch line by line without starting anything (state `waiting` = valid, `invalid` + error)."""
    return batches.preview(actor, text=body.text, values=body.values)


@router.post('/batches', status_code=201, response_model=BatchOut, responses=_errors(*AUTHED, 400, 403))
def create_batch(body: BatchRequest, actor: ActorDep) -> BatchOut:
    """Create a batch (admin, manager): cache hits complete at once, the rest start at the tenant's rate limit."""
    return batches.create(actor, text=body.text, values=body.values, name=body.name)


@router.post('/batches/upload', status_code=201, response_model=BatchOut, responses=_errors(*AUTHED, 400, 403))
def upload_batch(actor: ActorDep, file: Annotated[UploadFile, File(description='CSV or text, UTF-8')],
                 name: Annotated[Text, Form(max_length=200)] = '') -> BatchOut:
    """Create a batch from an uploaded CSV/text file (multipart `file`), like `POST /api/batches`."""
    actor = service.may_lookup(actor)
    raw = file.file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidBatch('The file is larger than 1 MB.', code='TOO_LONG')
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        try:
            text = raw.decode('cp1251')  # Excel on Russian Windows saves CSV in cp1251
        except UnicodeDecodeError:
            raise InvalidBatch('The file is not UTF-8 or Windows-1251 text.', code='NOT_TEXT') from None
    if '\x00' in text:
        raise InvalidBatch('The file is not a text file.', code='NOT_TEXT')
    return batches.create(actor, text=text, name=name or (file.filename or '')[:200])


@router.get('/batches', response_model=list[BatchOut], responses=_errors(*AUTHED))
def list_batches(actor: ActorDep) -> list[BatchOut]:
    """The tenant's latest 50 batches with their progress (no lines)."""
    return batches.list_batches(actor)


@router.get('/batches/{batch_id}', response_model=BatchOut, responses=_errors(*AUTHED, 404))
def get_batch(batch_id: Id, actor: ActorDep, items: bool = True) -> BatchOut:
    """A batch's progress (done / queued / waiting / failed) and, unless `items=false`, every line's result."""
    return batches.get(actor, batch_id, items=items)


@router.get('/batches/{batch_id}/export', response_class=Response, responses={
    **_errors(*AUTHED, 404), 200: {'content': {m: {} for m in exports.MEDIA_TYPES.values()}, 'description': 'File'}})
def export_batch(batch_id: Id, actor: BrowserOrBearer, format: Format = 'csv') -> Response:  # noqa: A002
    """The batch's results table as CSV or XLSX (session or bearer auth)."""
    return _file(batches.export(actor, batch_id, format))


@router.get('/cache/export', response_class=Response, responses={
    **_errors(*AUTHED), 200: {'content': {m: {} for m in exports.MEDIA_TYPES.values()}, 'description': 'File'}})
def export_cache(actor: BrowserOrBearer, format: Format = 'csv',  # noqa: A002
                 q: Annotated[Text, Query(max_length=100)] = '',
                 sort: Literal['fetched_at', 'expires_at', 'value', 'make', 'gearbox_model', 'oem', 'outcome']
                 = 'fetched_at', descending: bool = True) -> Response:
    """The cache table as the caller's tenant sees it (filter `q`), as CSV or XLSX, at most 100 000 rows."""
    return _file(service.cache_export(actor, format, q=q, sort=sort, descending=descending))

