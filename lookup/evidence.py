"""Evidence of lookups (screenshots, HTML snapshots) in the database, readable by every web process on any host.

The engine writes its files under `settings.evidence_dir` and reports paths relative to DATA_DIR in
`result.evidence.screenshot` / `html_snapshot`. The worker moves each file into `evidence_blob` right after the
lookup (`keep`) and deletes the local copy; web processes serve from the table (`read`); the sweep deletes blobs
(and stray local files) older than EVIDENCE_RETENTION_DAYS (`purge`). A database rather than a shared directory:
it is already shared, backed up and reachable from every process, and a few 100-300 kB files per failure are small.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from lookup.db import session_scope
from lookup.engine.result import LookupResult
from lookup.settings import Settings, get_settings
from models.dbtypes import utcnow
from models.lookups import EvidenceBlob

logger = logging.getLogger(__name__)
TYPES = {'.png': 'image/png', '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8'}
MAX_BYTES = 8 * 1024 * 1024
"""A larger file (a runaway full-page screenshot) is not stored."""


def _local(rel: str, settings: Settings) -> Path | None:
    """The file under DATA_DIR for a relative path; None for anything that would leave DATA_DIR."""
    base = settings.data_dir.resolve()
    path = (base / rel).resolve()
    return path if base in path.parents else None


def keep(result: LookupResult, *, settings: Settings | None = None) -> int:
    """Move the files a lookup reported into the database (idempotent). Returns how many were stored."""
    settings = settings or get_settings()
    ev = result.evidence
    stored = 0
    for rel in (ev.screenshot, ev.html_snapshot):
        if not isinstance(rel, str) or not rel:
            continue
        path = _local(rel, settings)
        if path is None or not path.is_file():
            continue
        try:
            data = path.read_bytes()
            if len(data) <= MAX_BYTES:
                with session_scope() as s:
                    s.merge(EvidenceBlob(path=rel, content_type=TYPES.get(path.suffix.lower(),
                                                                         'application/octet-stream'), data=data))
                stored += 1
            path.unlink(missing_ok=True)
        except Exception as exc:  # noqa: BLE001  (evidence is a help, never a reason to fail a lookup)
            logger.warning('could not store evidence %s: %s', rel, exc)
    return stored


def read(rel: str | None) -> tuple[bytes, str] | None:
    """(content, media type) of a piece of evidence: from the database, else (older files) from DATA_DIR."""
    if not isinstance(rel, str) or not rel:
        return None
    with session_scope() as s:
        blob = s.get(EvidenceBlob, rel)
        if blob is not None:
            return blob.data, blob.content_type
    path = _local(rel, get_settings())
    if path is not None and path.is_file():
        return path.read_bytes(), TYPES.get(path.suffix.lower(), 'application/octet-stream')
    return None


def purge(*, settings: Settings | None = None) -> int:
    """Delete evidence older than the retention, in the database and on this host's disk. Returns how many."""
    settings = settings or get_settings()
    cutoff = utcnow() - timedelta(days=settings.evidence_retention_days)
    with session_scope() as s:
        n = s.exec(sa.delete(EvidenceBlob).where(col(EvidenceBlob.created_at) < cutoff)).rowcount or 0
    root = settings.evidence_dir
    if root.is_dir():
        limit = time.time() - settings.evidence_retention_days * 86400
        for path in root.rglob('*'):
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    n += 1
            except OSError:
                pass
        for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only empty day folders go
    return n

