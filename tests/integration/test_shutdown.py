"""Ctrl-C on the web process: a graceful stop, no traceback, exit code 0 (the embedded consumer stops too)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

import httpx

from tests.stack import ROOT, free_port, wait_until


def test_sigint_stops_the_web_process_quietly() -> None:
    port = free_port()
    data = tempfile.mkdtemp(prefix='pzl-sigint-')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(PORT=str(port), HOST='127.0.0.1', DATA_DIR=data, EMBEDDED_WORKER='1', LOG_LEVEL='INFO',
               NICEGUI_STORAGE_PATH=os.path.join(data, 'nicegui'))
    proc = subprocess.Popen([sys.executable, 'main.py'], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        def healthy() -> bool:
            assert proc.poll() is None, f'main.py exited early: {proc.communicate()[1][-3000:]}'
            try:
                return httpx.get(f'http://127.0.0.1:{port}/api/health', timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, 60, 'the web process')
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert 'Traceback' not in err, err[-3000:]
    assert 'KeyboardInterrupt' not in err, err[-3000:]
    assert proc.returncode == 0, err[-3000:]
    assert took < 5
    assert 'embedded Huey consumer stopped' in err  # the shutdown hooks ran before the exit
