"""Issue 12: evidence is stored where every web process can read it (the database) and deleted after the retention
(EVIDENCE_RETENTION_DAYS, default 14), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import sqlalchemy as sa

from lookup import evidence
from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.engine.result import Evidence, LookupResult
from lookup.settings import get_settings
from models.dbtypes import utcnow
from models.lookups import EvidenceBlob

PNG = b'\x89PNG\r\n\x1a\n' + b'x' * 1000


def _failure_with_files() -> LookupResult:
    settings = get_settings()
    folder = settings.evidence_dir / '2026-12-03'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'case.png').write_bytes(PNG)
    (folder / 'case.html').write_text('<html>снимок</html>')
    return LookupResult(query='WVWZZZ1KZ8W123456', id_type='VIN', outcome=Outcome.TIMEOUT,
                        evidence=Evidence(screenshot='evidence/2026-12-03/case.png',
                                          html_snapshot='evidence/2026-12-03/case.html'))


def test_evidence_is_readable_from_another_host(backend: str, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    result = _failure_with_files()
    assert evidence.keep(result) == 2
    assert not (get_settings().evidence_dir / '2026-12-03' / 'case.png').exists(), 'the local copy stays behind'
    # Another web process on another host: its own, empty DATA_DIR, the same database.
    monkeypatch.setenv('DATA_DIR', str(tmp_path / 'other-host'))
    get_settings.cache_clear()
    assert evidence.read(result.evidence.screenshot) == (PNG, 'image/png')
    data, media = evidence.read(result.evidence.html_snapshot)
    assert data.decode() == '<html>снимок</html>' and media.startswith('text/html')
    assert evidence.read('../../etc/passwd') is None


def test_evidence_older_than_the_retention_is_deleted(backend: str) -> None:
    settings = get_settings()
    assert settings.evidence_retention_days == 14
    evidence.keep(_failure_with_files())
    with session_scope() as s:
        s.add(EvidenceBlob(path='evidence/2026-11-01/old.png', content_type='image/png', data=PNG,
                           created_at=utcnow() - timedelta(days=15)))
    stray = settings.evidence_dir / '2026-11-01' / 'stray.png'  # written by an older version, never moved
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(PNG)
    old = time.time() - 15 * 86400
    os.utime(stray, (old, old))

    assert evidence.purge() == 2
    with session_scope() as s:
        left = s.execute(sa.select(EvidenceBlob.path)).scalars().all()
    assert sorted(left) == ['evidence/2026-12-03/case.html', 'evidence/2026-12-03/case.png']
    assert not stray.exists() and not stray.parent.exists()


def test_the_sweep_applies_the_retention(backend: str) -> None:
    import tasks
    with session_scope() as s:
        s.add(EvidenceBlob(path='evidence/2026-11-01/old.png', content_type='image/png', data=PNG,
                           created_at=utcnow() - timedelta(days=15)))
        s.add(EvidenceBlob(path='evidence/2026-12-02/new.png', content_type='image/png', data=PNG))
    tasks.sweep.call_local()
    with session_scope() as s:
        assert s.execute(sa.select(EvidenceBlob.path)).scalars().all() == ['evidence/2026-12-02/new.png']
