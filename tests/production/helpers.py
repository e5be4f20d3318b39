"""Helpers for the production tests: scenarios, the REST API, sandbox visits, a second tenant."""

from __future__ import annotations

import httpx

from lookup.sandbox.scenarios import Scenario, load_scenarios
from tests.stack import Stack, wait_until

FINAL = ('completed', 'failed')


def slow_scenario() -> Scenario:
    """Renders in ~4 s: long enough to kill or stop a worker while the browser is on the page."""
    return next(s for s in load_scenarios() if s.slow)


def found_scenarios() -> list[Scenario]:
    return [s for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and s.id_type == 'VIN'
            and not s.slow and s.kind == 'vehicle']


def first_conversation(client: httpx.Client) -> int:
    return client.get('/api/conversations', params={'page_size': 1}).json()['items'][0]['id']


def submit(client: httpx.Client, conversation_id: int, value: str, **extra: object) -> httpx.Response:
    return client.post(f'/api/conversations/{conversation_id}/lookups', json={'value': value, **extra})


def case(client: httpx.Client, case_id: int) -> dict:
    return client.get(f'/api/lookups/{case_id}').json()


def final(client: httpx.Client, case_id: int, timeout: float = 60) -> dict:
    def done() -> dict | None:
        c = case(client, case_id)
        return c if c['status'] in FINAL else None
    return wait_until(done, timeout, f'case {case_id} to finish', interval=0.2)


def site_visits(sandbox, value: str) -> int:  # noqa: ANN001
    """How many times the (sandbox) site was asked for this identifier."""
    needle = value.upper().replace('-', '')
    return sum(1 for r in sandbox.request_log() if r['path'].endswith('/search-vehicle')
               and needle in str(r.get('query', '')).upper().replace('-', ''))


def on_the_page(stack: Stack, sandbox, value: str, visits_before: int, case_id: int) -> None:  # noqa: ANN001
    """Wait until a worker has the browser on the site for this case (the request reached the sandbox)."""
    wait_until(lambda: site_visits(sandbox, value) > visits_before, 45, f'a site visit for {value}')
    assert case(stack.api, case_id)['status'] == 'running'


def create_tenant_token(stack: Stack, slug: str) -> str:
    """A second tenant with a manager and an API token, written through lookup.users/lookup.auth to the stack's DB."""
    return stack.python(
        'from lookup import auth, users\n'
        'from lookup.db import session_scope\n'
        'with session_scope() as s:\n'
        f'    t = users.get_or_create_tenant(session=s, slug={slug!r})\n'
        f'    u = users.create_user(session=s, tenant=t, username={slug + "-manager"!r}, password="manager-pw-1")\n'
        '    _, token = auth.create_token(session=s, user=u, name="test")\n'
        'print(token)\n').strip()


def new_conversation(client: httpx.Client, chat: str) -> int:
    """A conversation of the client's tenant (an inbound message without an identifier, so no lookup starts)."""
    r = client.post('/api/inbound/messages', json={'channel': 'telegram', 'external_chat_id': chat,
                                                   'external_message_id': f'{chat}-1', 'text': 'Здравствуйте!'})
    assert r.status_code in (200, 201), r.text
    return r.json()['message']['conversation_id']
