"""The machine checks in scripts/: preflight's failure messages and check-system-deps' Depends parsing."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / 'scripts'


def _load(name: str):  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(name.replace('-', '_'), SCRIPTS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


preflight = _load('preflight')
check = _load('check-system-deps')

NODE = '/x/.venv/lib/python3.11/site-packages/playwright/driver/node'


@pytest.mark.parametrize(('detail', 'error', 'fix'), [
    pytest.param(f'{NODE}: error while loading shared libraries: libatomic.so.1: cannot open shared object file: '
                 'No such file or directory',
                 'libatomic.so.1: cannot open', 'sudo apt-get install -y libatomic1', id='driver-libatomic'),
    pytest.param('Browser logs:\n[pid=7][err] /usr/lib/chromium/chromium: error while loading shared libraries: '
                 'libnss3.so: cannot open shared object file', '/usr/lib/chromium/chromium: error while loading',
                 'the library libnss3.so is missing', id='chromium-lib'),
    pytest.param('Timeout 20000ms exceeded.', 'Timeout 20000ms exceeded.', 'make system-deps', id='other'),
])
def test_failure_names_the_cause_and_the_fix(detail: str, error: str, fix: str) -> None:
    text = str(preflight.fail('what failed', detail))
    assert text.startswith('what failed\n')
    error_line, fix_line = text.splitlines()[1:3]
    assert error in error_line and '[pid=' not in error_line
    assert fix in fix_line


def test_preflight_fails_clearly_on_a_bad_browser_path() -> None:
    env = dict(os.environ, BROWSER_EXECUTABLE='/nonexistent/chromium')
    run = subprocess.run([sys.executable, str(SCRIPTS / 'preflight.py')], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 1
    assert 'preflight FAILED: browser: BROWSER_EXECUTABLE=/nonexistent/chromium is not an executable' in run.stderr
    assert 'make system-deps' in run.stderr and 'Traceback' not in run.stderr


@pytest.mark.parametrize(('field', 'groups'), [
    pytest.param('', [], id='empty'),
    pytest.param('libc6 (>= 2.34), libgcc-s1', [['libc6'], ['libgcc-s1']], id='versions'),
    pytest.param('libgtk-3-0 | xdg-desktop-portal-backend, python3:any', [['libgtk-3-0', 'xdg-desktop-portal-backend'],
                                                                          ['python3']], id='alternatives-arch'),
    pytest.param('foo [amd64] (= 1)', [['foo']], id='arch-restriction'),
])
def test_depends_fields_parse_into_alternative_groups(field: str, groups: list[list[str]]) -> None:
    assert check._names(field) == groups


def test_base_closure_follows_depends_and_provides_but_not_unlisted_packages() -> None:
    def pkg(name: str, depends: str = '', provides: str = '', priority: str = 'optional') -> dict[str, str]:
        return {'Package': name, 'Essential': 'no', 'Priority': priority, 'Depends': depends, 'Pre-Depends': '',
                'Provides': provides}

    pkgs = {p['Package']: p for p in [
        pkg('chromium', 'libnss3, portal-backend | libgtk-3-0'), pkg('libnss3'),
        pkg('portal-gtk', provides='portal-backend'), pkg('libgtk-3-0'),
        pkg('apt', 'libstdc++6', priority='required'), pkg('libstdc++6'),
        pkg('libatomic1'),  # installed by hand: nothing listed depends on it
    ]}
    assert check.base_closure(pkgs, ['chromium']) == {'chromium', 'libnss3', 'portal-gtk', 'apt', 'libstdc++6'}
