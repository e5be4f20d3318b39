"""Issue 11 #1: a conversation's lookup status follows its latest case through every path that changes a case
(a finished visit, a failure, a retry wait), on both backends; the list filter and the API agree."""

from __future__ import annotations

from datetime import timedelta

from lookup import cases, service, worker
from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.settings import get_settings
from models import Conversation

VIN, OTHER = 'WVWZZZ1KZ8W123456', 'JTMBD33V005123456'


def _conv_status(conv_id: int) -> str | None:
    with session_scope() as s:
        return s.get(Conversation, conv_id).last_lookup_status


def _run(case_id: int, value: str, outcome: Outcome) -> None:
    with session_scope() as s:
        assert cases.claim(session=s, case_id=case_id, worker_id='w1', lease=timedelta(minutes=1)) is not None
    result = LookupResult(query=value, id_type='VIN', outcome=outcome)
    worker._record(f'VIN:{value}', result, retries_left=0, settings=get_settings())


def test_the_conversation_shows_its_latest_lookup_as_it_finishes(manager, queue) -> None:  # noqa: ANN001
    conv = service.list_conversations(manager, page_size=1).items[0].id
    first = service.submit_lookup(manager, conv, VIN)
    assert _conv_status(conv) == 'pending'
    _run(first.id, VIN, Outcome.FOUND)
    assert _conv_status(conv) == 'completed'
    assert conv in [c.id for c in service.list_conversations(manager, lookup_status='completed', page_size=100).items]
    assert conv not in [c.id for c in service.list_conversations(manager, lookup_status='pending', page_size=100).items]

    second = service.submit_lookup(manager, conv, OTHER)
    assert _conv_status(conv) == 'pending'
    _run(second.id, OTHER, Outcome.SITE_ERROR)
    assert _conv_status(conv) == 'failed'
    assert service.get_conversation(manager, conv).last_lookup_status == 'failed'


def test_an_older_case_finishing_late_does_not_speak_for_the_conversation(manager, queue) -> None:  # noqa: ANN001
    conv = service.list_conversations(manager, page_size=1).items[0].id
    older = service.submit_lookup(manager, conv, VIN)
    newer = service.submit_lookup(manager, conv, OTHER)
    _run(newer.id, OTHER, Outcome.FOUND)
    _run(older.id, VIN, Outcome.TIMEOUT)
    assert _conv_status(conv) == 'completed'
