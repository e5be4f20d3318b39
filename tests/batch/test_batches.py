"""Issue 12 #4: batch lookups on SQLite and on PostgreSQL + Redis (the real rate limiter of each backend): per-line
errors up front, cache hits at once, the rest at the tenant's rate limit, waiting lines started later (scheduled,
or by the sweep when that message was lost), permissions as of each action, exports."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import openpyxl
import pytest
import redis
import sqlalchemy as sa

from lookup import auth, batches, service, users
from lookup.db import session_scope
from lookup.errors import Forbidden, InvalidBatch, NotFound
from lookup.settings import get_settings
from models import Batch, BatchItem, LookupCase, User
from models.dbtypes import utcnow
from tests.ui.conftest import cached_result


def vin() -> str:
    return 'WVWZZZ1KZAW' + ''.join(secrets.choice('0123456789') for _ in range(6))


@pytest.fixture
def limit3(monkeypatch, backend):  # noqa: ANN001, ANN201
    monkeypatch.setenv('RATE_LIMIT_PER_MINUTE', '3')
    get_settings.cache_clear()
    yield 3
    get_settings.cache_clear()


def free_rate(actor: auth.Actor) -> None:
    """A minute passes for the tenant's rate limit (the DB window on SQLite, the Redis window in production)."""
    settings = get_settings()
    if settings.redis_url:
        redis.Redis.from_url(settings.redis_url).delete(f'podzamenu:rate:{actor.tenant_id}')
    else:
        with session_scope() as s:
            s.execute(sa.update(LookupCase).where(LookupCase.tenant_id == actor.tenant_id)
                      .values(created_at=utcnow() - timedelta(minutes=2)))


def other(role: str, slug: str | None = None) -> auth.Actor:
    tag = secrets.token_hex(3)
    with session_scope() as s:
        tenant = users.get_or_create_tenant(session=s, slug=slug or f'b-{tag}')
        user = users.create_user(session=s, tenant=tenant, username=f'{role}-{tag}', password='password-123',
                                 role=role)
        return auth.Actor.of(user)


def test_lines_are_checked_up_front_with_the_identifier_rule(manager) -> None:  # noqa: ANN001
    v = vin()
    text = f'VIN;tag\n{v};KCK\nWVWZZZ1KZ8W12345\n\nzzt240-0012345\n{v.lower()}\nWVWZZZ1KZ8WI23456\nhello'
    lines = batches.preview(manager, text=text)
    got = [(i.line, i.state, i.value, i.error.code if i.error else None, i.error_params) for i in lines]
    assert got == [(2, 'waiting', v, None, None),
                   (3, 'invalid', None, 'VIN_LENGTH', {'n': 16}),
                   (5, 'waiting', 'ZZT240-0012345', None, None),
                   (6, 'invalid', None, 'DUPLICATE', {'line': 2}),
                   (7, 'invalid', None, 'VIN_FORBIDDEN_LETTERS', None),
                   (8, 'invalid', None, 'FRAME_FORMAT', None)]
    assert lines[0].tag == 'KCK' and lines[2].id_type == 'FRAME'


def test_cache_hits_at_once_the_rest_at_the_rate_limit_then_later(manager, queue, scheduled, limit3) -> None:  # noqa: ANN001
    hit = vin()
    cached_result(hit)
    fresh = [vin() for _ in range(5)]
    text = '\n'.join([fresh[0], 'bad', hit, *fresh[1:]])
    b = batches.create(manager, text=text, name='Склад март')
    assert b.name == 'Склад март'
    assert (b.counts.total, b.counts.invalid, b.counts.done, b.counts.queued, b.counts.waiting) == (7, 1, 1, 3, 2)
    states = {i.raw: i.state for i in b.items}
    assert states[hit] == 'completed' and states['bad'] == 'invalid'
    assert [states[v] for v in fresh] == ['pending', 'pending', 'pending', 'waiting', 'waiting']
    assert len(queue) == 3 and not b.finished
    (batch_id, delay), = scheduled
    assert batch_id == b.id and 1 <= delay <= 60
    assert b.next_admit_at is not None and b.next_admit_at > utcnow()
    item_hit = next(i for i in b.items if i.raw == hit)
    assert item_hit.from_cache and item_hit.oem == '09G300035M' and item_hit.make == 'VOLKSWAGEN'

    # The limit still holds when the scheduled run comes early: nothing more starts, it is scheduled again.
    assert batches.admit(b.id) == 0
    assert len(scheduled) == 2 and len(queue) == 3
    # A minute later the waiting lines start.
    free_rate(manager)
    assert batches.admit(b.id) == 2
    after = batches.get(manager, b.id)
    assert (after.counts.queued, after.counts.waiting, after.next_admit_at) == (5, 0, None)
    assert len(queue) == 5 and len(scheduled) == 2
    # The cases belong to the batch's own conversation, which the conversation list leaves out.
    assert {c.id for c in service.list_cases(manager, b.conversation_id)} == {i.case_id for i in after.items
                                                                              if i.case_id}
    assert b.conversation_id not in [c.id for c in service.list_conversations(manager, page_size=200).items]
    assert batches.list_batches(manager)[0].id == b.id


def test_a_cache_hit_among_waiting_lines_completes_at_once(manager, queue, scheduled, limit3) -> None:  # noqa: ANN001
    late_hit = vin()
    cached_result(late_hit)
    b = batches.create(manager, values=[vin(), vin(), vin(), vin(), late_hit])
    assert [i.state for i in b.items] == ['pending', 'pending', 'pending', 'waiting', 'completed']


def test_a_lost_schedule_is_caught_by_the_sweep(manager, queue, scheduled, limit3) -> None:  # noqa: ANN001
    b = batches.create(manager, values=[vin() for _ in range(4)])
    assert b.counts.waiting == 1
    free_rate(manager)
    assert batches.admit_overdue() == 0  # not overdue yet: its scheduled run is still coming
    with session_scope() as s:
        s.get(Batch, b.id).next_admit_at = utcnow() - timedelta(minutes=2)
    assert batches.admit_overdue() == 1
    assert batches.get(manager, b.id).counts.waiting == 0


def test_an_item_starts_once_even_when_two_runs_meet(manager, queue, scheduled, limit3) -> None:  # noqa: ANN001
    b = batches.create(manager, values=[vin() for _ in range(4)])
    waiting = next(i for i in b.items if i.state == 'waiting')
    free_rate(manager)
    with session_scope() as s:  # another run took the line between this run's read and its claim
        item = s.exec(sa.select(BatchItem).where(BatchItem.batch_id == b.id, BatchItem.line == waiting.line)) \
            .scalar_one()
    link = batches._claim(item.id)
    with session_scope() as s:
        link(s, s.get(LookupCase, b.items[0].case_id))
    with pytest.raises(batches._Taken), session_scope() as s:
        link(s, s.get(LookupCase, b.items[0].case_id))
    assert batches.admit(b.id) == 0
    n_cases = len(service.list_cases(manager, b.conversation_id))
    assert n_cases == 3


def test_permissions_as_of_each_action(manager, queue, scheduled, limit3) -> None:  # noqa: ANN001
    viewer = other('viewer')
    with pytest.raises(Forbidden):
        batches.create(viewer, values=[vin()])
    b = batches.create(manager, values=[vin() for _ in range(5)])
    stranger = other('admin')
    for call in (lambda: batches.get(stranger, b.id), lambda: batches.export(stranger, b.id, 'csv')):
        with pytest.raises(NotFound):
            call()
    assert batches.list_batches(stranger) == []
    # The creator is demoted before the waiting lines' turn: they are cancelled, not started.
    with session_scope() as s:
        s.get(User, manager.user_id).role = 'viewer'
    try:
        free_rate(manager)
        assert batches.admit(b.id) == 0
    finally:
        with session_scope() as s:
            s.get(User, manager.user_id).role = 'manager'
    after = batches.get(manager, b.id)
    assert [i.state for i in after.items][-2:] == ['cancelled', 'cancelled']
    assert after.counts.failed == 2 and after.counts.waiting == 0 and after.next_admit_at is None
    assert after.items[-1].error.code == 'FORBIDDEN'


@pytest.mark.parametrize('text, code', [('bad\nworse', 'NO_VALID_LINES'), ('', 'EMPTY_BATCH'),
                                        ('\n'.join(['x'] * 201), 'TOO_MANY_LINES')])
def test_unusable_batches_create_nothing(manager, queue, text: str, code: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidBatch) as err:
        batches.create(manager, text=text)
    assert err.value.code == code
    assert batches.list_batches(manager) == [] and queue == []


def test_exports(manager, queue, scheduled) -> None:  # noqa: ANN001
    hit = vin()
    cached_result(hit, oem='0AM300050X')
    b = batches.create(manager, text=f'{hit};KCK\n=cmd|"/c calc"!A1\n{vin()}')
    csv_file = batches.export(manager, b.id, 'csv', labels={'oem': 'OEM номер'})
    lines = csv_file.content.decode('utf-8-sig').splitlines()
    assert lines[0].startswith('line,input,value,type,tag,status,outcome,make') and 'OEM номер' in lines[0]
    assert lines[1].startswith(f'1,{hit},{hit},VIN,KCK,completed,FOUND,VOLKSWAGEN') and '0AM300050X' in lines[1]
    assert lines[2].startswith('2,"\'=cmd') and 'invalid' in lines[2]
    xlsx = batches.export(manager, b.id, 'xlsx')
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == 1 and rows[1][12] == '0AM300050X' and rows[2][1].startswith('=cmd')
    # The cache table too, as far as the tenant used it.
    cache_csv = service.cache_export(manager, 'csv').content.decode('utf-8-sig')
    assert hit in cache_csv and '0AM300050X' in cache_csv
    stranger = other('viewer')
    assert hit not in service.cache_export(stranger, 'csv').content.decode('utf-8-sig')
    ws = openpyxl.load_workbook(io.BytesIO(service.cache_export(manager, 'xlsx', q=hit).content)).active
    assert [r[2] for r in ws.iter_rows(values_only=True)] == ['value', hit]
