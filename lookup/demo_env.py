"""`python main.py demo`: start the offline sandbox and point the app at it, before settings load."""

from __future__ import annotations

import os

SANDBOX_PORT = int(os.environ.get('SANDBOX_PORT', '8099'))


def prepare_demo_environment() -> None:
    from lookup.sandbox import Sandbox

    sandbox = Sandbox(port=SANDBOX_PORT, seed=int(os.environ.get('SANDBOX_SEED', '1')), mode='harsh').start()
    os.environ.setdefault('DEMO_MODE', '1')
    os.environ['PODZAMENU_BASE_URL'] = sandbox.url
    os.environ['PROF_RF_BASE_URL'] = sandbox.profrf_url
    os.environ.setdefault('DATA_DIR', 'data/demo')
    print(f'Sandbox of podzamenu.ru at {sandbox.url} (fallback site at {sandbox.profrf_url})', flush=True)
    print('Demo logins: manager / manager-demo-1, admin / admin-demo-1, viewer / viewer-demo-1; '
          'API token: pzl_demo_token_for_local_use_only', flush=True)
