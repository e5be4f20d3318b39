"""Nothing lost, nothing duplicated: killed and stopped workers, a killed web process, Redis and PostgreSQL outages,
and the sweep that takes back what a dead worker left behind."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

import psutil
import pytest
import redis

from tests.backends import REDIS_URL
from tests.production import services
from tests.production.helpers import (
    case,
    final,
    first_conversation,
    found_scenarios,
    on_the_page,
    site_visits,
    slow_scenario,
    submit,
)
from tests.stack import Stack, start_stack, wait_until

pytestmark = [pytest.mark.production, pytest.mark.browser]


def _dead_pid() -> int:
    """A pid that existed a moment ago and is gone now."""
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _ready(stack: Stack) -> tuple[int, dict]:
    r = stack.api.get('/api/ready')
    return r.status_code, r.json()


def test_sigkilled_worker_case_runs_again_on_a_new_worker(prod: Stack, sandbox) -> None:  # noqa: ANN001
    sc = slow_scenario()
    conv = first_conversation(prod.api)
    visits = site_visits(sandbox, sc.id)
    r = submit(prod.api, conv, sc.id, force_refresh=True)
    assert r.status_code == 202, r.text
    case_id = r.json()['id']
    on_the_page(prod, sandbox, sc.id, visits, case_id)
    browser_procs = psutil.Process(prod.procs['worker'].pid).children(recursive=True)
    assert browser_procs, 'the worker runs its browser as child processes'

    prod.kill('worker')

    # Nobody finishes the case, readiness notices at once (the worker's pid is gone), the browser goes too.
    assert case(prod.api, case_id)['status'] == 'running'
    status, body = _ready(prod)
    assert status == 503 and body['checks']['worker']['status'] == 'gone', body
    wait_until(lambda: not any(_running(p) for p in browser_procs), 15, "the killed worker's browser to exit")

    prod.start_worker()  # its startup sweep sees the dead worker's case and re-enqueues it
    done = final(prod.api, case_id)
    assert done['status'] == 'completed', done
    assert done['outcome'] == 'FOUND' and done['attempts'] == 2
    assert done['result']['gearbox']['oem'] == sc.expect['gearbox']['oem']
    assert site_visits(sandbox, sc.id) == visits + 2  # the killed visit and the re-run, nothing more
    wait_until(lambda: _ready(prod)[0] == 200, 30, 'readiness with the new worker')


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT], ids=['SIGTERM', 'SIGINT'])
def test_worker_stops_gracefully_finishing_the_running_lookup(prod: Stack, sandbox, sig: int) -> None:  # noqa: ANN001
    sc = slow_scenario()
    conv = first_conversation(prod.api)
    visits = site_visits(sandbox, sc.id)
    case_id = submit(prod.api, conv, sc.id, force_refresh=True).json()['id']
    on_the_page(prod, sandbox, sc.id, visits, case_id)
    worker = prod.procs.pop('worker')

    worker.send_signal(sig)
    assert worker.wait(40) == 0

    done = case(prod.api, case_id)  # finished before the process exited
    assert done['status'] == 'completed' and done['attempts'] == 1, done
    assert site_visits(sandbox, sc.id) == visits + 1
    status, body = _ready(prod)  # a graceful stop leaves the heartbeat table at once
    assert status == 503 and body['checks']['worker']['workers'] == 0, body
    prod.start_worker()
    wait_until(lambda: _ready(prod)[0] == 200, 30, 'readiness with the new worker')


def test_second_signal_interrupts_and_the_case_is_given_back(prod: Stack, sandbox) -> None:  # noqa: ANN001
    """Ctrl-C twice (or a stop timeout): the lookup is abandoned, the case goes back to `pending` and into the
    queue at once (Huey's SIGNAL_INTERRUPTED), and the next worker runs it."""
    sc = slow_scenario()
    conv = first_conversation(prod.api)
    visits = site_visits(sandbox, sc.id)
    case_id = submit(prod.api, conv, sc.id, force_refresh=True).json()['id']
    on_the_page(prod, sandbox, sc.id, visits, case_id)
    log = prod.logs[prod.worker_log]
    worker = prod.procs.pop('worker')

    worker.send_signal(signal.SIGTERM)
    wait_until(lambda: 'Shutting down gracefully' in log.read_text(), 10, 'the graceful stop to begin')
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0

    given_back = case(prod.api, case_id)
    assert given_back['status'] == 'pending' and given_back['attempts'] == 1, given_back
    prod.start_worker()
    done = final(prod.api, case_id)
    assert done['status'] == 'completed' and done['attempts'] == 2, done
    assert site_visits(sandbox, sc.id) == visits + 2


def test_sweep_takes_back_dead_workers_cases_and_frees_their_slots(prod: Stack) -> None:
    """Fake rows of a worker killed on this host (pid gone, lease still valid), of one on another host whose lease
    ran out, of one out of attempts, and of a live worker; pending rows whose queue message was lost, or is
    scheduled (a retry); plus a browser slot held by the dead one."""
    a, b, c = found_scenarios()[2:5]
    dead = f'{socket.gethostname()}:{_dead_pid()}:1'
    r = redis.Redis.from_url(REDIS_URL)
    live = next(k.decode() for k in r.hkeys('podzamenu:workers')
                if int(k.decode().split(':')[1]) == prod.procs['worker'].pid)
    r.set('podzamenu:slot:podzamenu:0', f'{dead}|stale', ex=600)
    out = prod.python(f'''
import json
import time
from datetime import timedelta
import tasks
from lookup import cases, recovery
from lookup.engine import identifiers
from lookup.db import session_scope
from models import Conversation, LookupCase
from models.dbtypes import utcnow
from sqlmodel import select

now = utcnow()
rows = {{'dead_pid': ({a.id!r}, {dead!r}, now + timedelta(minutes=5), 1),
        'lease_out': ({b.id!r}, 'elsewhere:4242:1', now - timedelta(seconds=1), 1),
        'exhausted': ('WVWZZZ1KZ8W000001', 'elsewhere:4243:1', now - timedelta(seconds=1), 9),
        'live': ('WVWZZZ1KZ8W000002', {live!r}, now + timedelta(minutes=5), 1)}}
ids = {{}}
with session_scope() as s:
    conv = s.exec(select(Conversation)).first()
    for name, (value, worker, lease, attempts) in rows.items():
        c = cases.create(session=s, tenant_id=conv.tenant_id, conversation_id=conv.id,
                         ident=identifiers.parse(value), tag=None, force_refresh=True)
        c.status, c.stage, c.worker_id, c.lease_until = 'running', 'navigating', worker, lease
        c.attempts, c.started_at = attempts, now - timedelta(minutes=1)
        s.flush()
        ids[name] = c.id
    for name, value in (('lost', {c.id!r}), ('scheduled', 'WVWZZZ1KZ8W000003')):
        p = cases.create(session=s, tenant_id=conv.tenant_id, conversation_id=conv.id,
                         ident=identifiers.parse(value), tag=None, force_refresh=True)
        p.updated_at = now - timedelta(minutes=5)  # long enough ago to have reached a worker
        s.flush()
        ids[name] = p.id
tasks.run_lookup.schedule(args=(ids['scheduled'],), delay=900)  # in Huey's schedule, not lost
for _ in range(50):  # the worker moves it from the queue to the schedule: in neither for a moment
    in_queue = sorted(tasks.queued_case_ids())
    if in_queue:
        break
    time.sleep(0.1)
touched = recovery.sweep(enqueue=tasks.enqueue_case, queued_ids=tasks.queued_case_ids)
with session_scope() as s:
    after = {{n: (s.get(LookupCase, i).status, s.get(LookupCase, i).worker_id) for n, i in ids.items()}}
    for fake in ('live', 'scheduled'):  # no job will ever finish these
        s.get(LookupCase, ids[fake]).status = 'failed'
print(json.dumps({{'ids': ids, 'after': after, 'touched': touched, 'in_queue': in_queue}}))
''')
    res = json.loads(out.strip().splitlines()[-1])
    assert res['in_queue'] == [res['ids']['scheduled']]
    assert res['touched'] == 4
    after = {name: tuple(v) for name, v in res['after'].items()}
    assert after['exhausted'][0] == 'failed'
    assert after['live'] == ('running', live) and after['scheduled'] == ('pending', None)  # left alone
    for name, worker in (('dead_pid', dead), ('lease_out', 'elsewhere:4242:1')):  # taken from the dead worker
        assert after[name] != ('running', worker), after  # (the live worker may have claimed it already)
    assert r.get('podzamenu:slot:podzamenu:0') != f'{dead}|stale'.encode()  # the dead worker's slot was freed
    exhausted = case(prod.api, res['ids']['exhausted'])
    assert exhausted['error']['code'] == 'TIMEOUT'
    for name, attempts in (('dead_pid', 2), ('lease_out', 2), ('lost', 1)):  # re-enqueued; the live worker runs them
        done = final(prod.api, res['ids'][name])
        assert done['status'] == 'completed' and done['attempts'] == attempts, done


def test_lookup_submitted_while_redis_is_down_is_parked_then_completes(prod: Stack) -> None:
    sc = found_scenarios()[4]
    conv = first_conversation(prod.api)
    with services.redis_down():
        r = submit(prod.api, conv, sc.id, force_refresh=True)
        assert r.status_code == 202, r.text
        body = r.json()
        assert body['status'] == 'pending' and body['stage'] == 'queue_unavailable', body
        assert case(prod.api, body['id'])['stage'] == 'queue_unavailable'  # visible to the operator
        status, ready = _ready(prod)
        assert status == 503 and ready['checks']['queue']['status'].startswith('error'), ready
    # Redis is back (and empty): the web process's timer enqueues the parked case, the worker reconnects.
    done = final(prod.api, body['id'])
    assert done['status'] == 'completed' and done['attempts'] == 1, done
    wait_until(lambda: _ready(prod)[0] == 200, 30, 'readiness after the Redis outage')


def test_web_and_worker_survive_a_postgres_restart(prod: Stack, sandbox) -> None:  # noqa: ANN001
    sc = slow_scenario()
    conv = first_conversation(prod.api)
    visits = site_visits(sandbox, sc.id)
    in_flight = submit(prod.api, conv, sc.id, force_refresh=True).json()['id']
    on_the_page(prod, sandbox, sc.id, visits, in_flight)

    services.restart_postgres()  # every pooled connection of both processes is now dead

    nxt = found_scenarios()[5]
    r = submit(prod.api, conv, nxt.id, force_refresh=True)
    assert r.status_code == 202, r.text
    assert final(prod.api, r.json()['id'])['status'] == 'completed'
    assert final(prod.api, in_flight)['status'] == 'completed'
    assert _ready(prod)[0] == 200


def test_sigkilled_web_process_with_embedded_worker_finishes_the_case_after_restart(sandbox) -> None:  # noqa: ANN001
    """Embedded default (SQLite + SqliteHuey + the consumer thread in the web process), same DATA_DIR on restart."""
    stack = start_stack(sandbox_url=sandbox.url)
    try:
        sc = slow_scenario()
        conv = first_conversation(stack.api)
        visits = site_visits(sandbox, sc.id)
        case_id = submit(stack.api, conv, sc.id, force_refresh=True).json()['id']
        on_the_page(stack, sandbox, sc.id, visits, case_id)

        stack.kill('web')
        stack.start_web()

        done = final(stack.api, case_id)
        assert done['status'] == 'completed' and done['attempts'] == 2, done
        assert site_visits(sandbox, sc.id) == visits + 2
    finally:
        stack.close()
