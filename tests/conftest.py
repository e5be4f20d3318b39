"""Shared test setup: an isolated data dir, the offline sandbox, demo data, backend availability.

The environment is set here, before the app (main.py) is imported by NiceGUI's `user` fixture.
"""

from __future__ import annotations

import os
import tempfile

import pytest

_DATA = tempfile.mkdtemp(prefix='pzl-test-')
os.environ.update(
    DATA_DIR=_DATA, NICEGUI_STORAGE_PATH=os.path.join(_DATA, 'nicegui'), DEMO_MODE='1',
    STORAGE_SECRET='test-secret', EMBEDDED_WORKER='0', LOG_LEVEL='WARNING',
)
for var in ('DATABASE_URL', 'REDIS_URL'):
    os.environ.pop(var, None)

from argon2 import PasswordHasher, profiles  # noqa: E402

from lookup import auth  # noqa: E402
from lookup.sandbox import Sandbox  # noqa: E402

# Argon2's production cost makes every in-process login take 0.1-1 s on a busy 2-core runner; tests only need a
# real argon2 hash, not an expensive one (hashes record their parameters). Subprocess apps keep the defaults.
auth._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

SANDBOX = Sandbox(seed=3, render_delay_ms=150).start()
os.environ['PODZAMENU_BASE_URL'] = SANDBOX.url
os.environ['PROF_RF_BASE_URL'] = SANDBOX.profrf_url

pytest_plugins = ['nicegui.testing.user_plugin']


@pytest.fixture(scope='session')
def sandbox() -> Sandbox:
    return SANDBOX
