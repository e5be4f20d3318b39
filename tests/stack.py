"""Run the real app (and, in production mode, a separate Huey worker) as subprocesses for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOKEN = 'pzl_demo_token_for_local_use_only'
METRICS_TOKEN = 'stack-metrics-token'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):  # noqa: ANN001, ANN201
    """Poll a condition (a subprocess or a DB row, not a page) until it holds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f'timed out after {timeout}s waiting for {what} (last: {last!r})')


@dataclass
class Stack:
    """A running app: `url`, an API client with the demo token, and the processes behind it."""

    url: str
    env: dict[str, str]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={'Authorization': f'Bearer {TOKEN}'}, timeout=30)

    def start_worker(self) -> subprocess.Popen:
        """A separate `huey_consumer` with the Makefile's options (`make worker`), polling faster when idle."""
        log = Path(self.env['DATA_DIR']) / f'worker-{len(self.logs)}.log'
        self.logs[f'worker-{len(self.logs)}'] = log
        self.procs['worker'] = subprocess.Popen(
            [sys.executable, '-m', 'huey.bin.huey_consumer', 'tasks.huey', '-w', '1', '-k', 'thread', '-g', 'TERM',
             '-t', '60', '-m', '0.2'],
            cwd=ROOT, env=self.env, stdout=log.open('w'), stderr=subprocess.STDOUT)
        return self.procs['worker']

    @property
    def worker_log(self) -> str:
        """The `logs` key of the most recently started worker."""
        return max((k for k in self.logs if k.startswith('worker-')), key=lambda k: int(k.split('-')[1]))

    def start_web(self) -> subprocess.Popen:
        """(Re)start main.py on this stack's port and DATA_DIR; returns once /api/health answers."""
        n = sum(1 for k in self.logs if k.startswith('web'))
        log = Path(self.env['DATA_DIR']) / f'web-{n}.log'
        self.logs['web' if n == 0 else f'web-{n}'] = log
        self.procs['web'] = subprocess.Popen([sys.executable, 'main.py'], cwd=ROOT, env=self.env,
                                             stdout=log.open('w'), stderr=subprocess.STDOUT)
        wait_until(self._healthy, 60, 'the web process')
        return self.procs['web']

    def _healthy(self) -> bool:
        if self.procs['web'].poll() is not None:
            raise AssertionError(f'web process exited:\n{self.log_text()}')
        try:
            return httpx.get(f'{self.url}/api/health', timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self, name: str) -> None:
        """SIGKILL a process (no cleanup, no signal handlers: a crash, an OOM kill, a power cut)."""
        proc = self.procs.pop(name)
        proc.kill()
        proc.wait(10)

    def python(self, code: str, timeout: float = 60) -> str:
        """Run a Python snippet with this stack's environment (its database, queue and settings); returns stdout."""
        out = subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=self.env, capture_output=True, text=True,
                             timeout=timeout)
        if out.returncode:
            raise AssertionError(f'snippet failed ({out.returncode}):\n{out.stderr[-3000:]}')
        return out.stdout

    def client(self, token: str) -> httpx.Client:
        """An API client with another bearer token (another user or tenant)."""
        return httpx.Client(base_url=self.url, headers={'Authorization': f'Bearer {token}'}, timeout=30)

    def stop(self, name: str, sig: int = signal.SIGINT, timeout: float = 20) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def log_text(self) -> str:
        return '\n'.join(f'--- {k}\n{p.read_text(errors="replace")[-4000:]}' for k, p in self.logs.items()
                         if p.exists())


def start_stack(*, sandbox_url: str, database_url: str | None = None, redis_url: str | None = None,
                extra_env: dict[str, str] | None = None) -> Stack:
    """Start main.py (embedded worker unless REDIS_URL is given, then a separate huey_consumer too)."""
    port = free_port()
    data = tempfile.mkdtemp(prefix='pzl-stack-')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(PORT=str(port), HOST='127.0.0.1', DATA_DIR=data, DEMO_MODE='1', STORAGE_SECRET='stack-secret',
               PODZAMENU_BASE_URL=sandbox_url, PROF_RF_BASE_URL=f'{sandbox_url}/profrf', LOG_LEVEL='INFO',
               NICEGUI_STORAGE_PATH=os.path.join(data, 'nicegui'), LOOKUP_DEADLINE_S='20',
               LOOKUP_RETRY_DELAY_S='1', RATE_LIMIT_PER_MINUTE='1000',
               # Slow lookups on a loaded runner must not pause the sandbox for the next tests (the breaker's own
               # tests set their threshold).
               SITE_BREAKER_FAILURES='1000',

               METRICS_TOKEN=METRICS_TOKEN, METRICS_CACHE_S='0',
               SESSION_COOKIE_SECURE='false')  # plain http:// in tests (production mode defaults to Secure)
    env.pop('DATABASE_URL', None)
    env.pop('REDIS_URL', None)
    env.pop('EMBEDDED_WORKER', None)
    if database_url:
        env['DATABASE_URL'] = database_url
    if redis_url:
        env['REDIS_URL'] = redis_url
    env.update(extra_env or {})
    stack = Stack(url=f'http://127.0.0.1:{port}', env=env)
    try:
        if redis_url and env.get('EMBEDDED_WORKER', '0') in ('0', 'false'):
            stack.start_worker()  # it migrates a fresh database too (under an advisory lock), so start both at once
        stack.start_web()
        # Demo data is seeded at startup; the token works once it is there.
        wait_until(lambda: stack.api.get('/api/conversations').status_code == 200, 30, 'demo data')
    except BaseException:
        # A stack that failed to start must not live on: its worker would take the next stack's jobs (same DB).
        stack.close()
        raise
    return stack
