"""Schemathesis against /openapi.json, in-process: no input makes the API answer 5xx, and answers match the schema.

The app is main.py set up the way the `user` fixture does it (NiceGUI's globals reset, main.py run), but without its
lifespan: requests reach the ASGI app through Starlette's TestClient (not entered as a context manager, so no
startup hooks, timers or worker), which lets schemathesis' synchronous Hypothesis tests drive it. The token is a
manager's in a tenant of its own: fuzzing with the demo token would spend the demo tenant's lookup budget and add
conversations that other tests count.
"""

from __future__ import annotations

import os
import runpy
import secrets
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from lookup import db, demo
from lookup.web import alarm_api, api, batch_api
from lookup.web import replies as replies_api
from tests.api.conftest import ROOT, forget_stale_subscriptions, make_member, random_vin
from tests.ui.conftest import cached_result

with warnings.catch_warnings():  # starlette suggests httpx2 for its TestClient; httpx still works
    warnings.simplefilter('ignore')
    from starlette.testclient import TestClient

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
MAX_EXAMPLES = 50
"""Per operation; ~13 operations stay well under a minute."""


@pytest.fixture(scope='module')
def asgi_app() -> Iterator[Any]:
    from nicegui import core
    from nicegui.testing.general import nicegui_reset_globals

    db.migrate()
    demo.seed()
    forget_stale_subscriptions()
    with nicegui_reset_globals():
        os.environ['NICEGUI_USER_SIMULATION'] = 'true'
        try:
            runpy.run_path(str(ROOT / 'main.py'), run_name='__main__')
            yield core.app
        finally:
            os.environ.pop('NICEGUI_USER_SIMULATION', None)


@pytest.fixture(scope='module')
def client(asgi_app: Any) -> Iterator[TestClient]:
    member = make_member(tenant_slug=f'fuzz-{secrets.token_hex(3)}', role='manager', tag=secrets.token_hex(4))
    c = TestClient(asgi_app, base_url='http://testserver', raise_server_exceptions=False)
    c.token = member.token
    c.headers['Authorization'] = f'Bearer {member.token}'
    yield c
    c.close()


@pytest.fixture(scope='module')
def api_schema(client: TestClient) -> Any:
    """The schema the running app serves (not one rebuilt from the router)."""
    return schemathesis.openapi.from_dict(client.get('/openapi.json').json())


@pytest.fixture(scope='module')
def own_ids(client: TestClient) -> dict[str, Any]:
    """Real ids of the fuzz tenant, so a third of the cases get past the 404s into the handlers."""
    vin = random_vin()
    cached_result(vin)
    msg = client.post('/api/inbound/messages', json={'channel': 'fuzz', 'external_chat_id': 'fuzz-1',
                                                     'external_message_id': '1', 'text': f'VIN {vin}'}).json()
    return {'conversation_id': msg['message']['conversation_id'], 'case_id': msg['lookup']['id'],
            'key': f'VIN:{vin}', 'message_id': msg['message']['id']}


OPERATIONS = sorted((method, route.path) for router in (api.router, batch_api.router, alarm_api.router,
                                                      replies_api.router)
                    for route in router.routes if isinstance(route, APIRoute) for method in route.methods)


def test_the_fuzzed_schema_lists_every_api_route(api_schema: Any) -> None:
    served = {(method.upper(), path) for path, ops in api_schema.raw_schema['paths'].items() for method in ops}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(('method', 'path'), OPERATIONS, ids=[f'{m} {p}' for m, p in OPERATIONS])
def test_no_input_breaks_the_api(api_schema: Any, client: TestClient, own_ids: dict[str, Any], method: str,
                                 path: str) -> None:
    operation = api_schema[path][method]
    params = {p.name for p in operation.path_parameters}
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE),
                         operation.as_strategy(GenerationMode.POSITIVE,
                                               path_parameters={k: v for k, v in own_ids.items() if k in params}))

    # /api/ready answers 503 by design while no worker beats (none runs here).
    checks = CHECKS[1:] if path == '/api/ready' else CHECKS

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url='http://testserver')
        kwargs.pop('cookies', None)
        if 'data' in kwargs and not isinstance(kwargs['data'], dict):
            kwargs['content'] = kwargs.pop('data')
        headers = dict(kwargs.pop('headers', None) or {})
        sent = {k.lower() for k in headers}
        headers = {k: v for k, v in headers.items() if k.lower() != 'authorization'}
        # Generated credentials are random: use the real token, unless leaving it out is the invalid input.
        headers['Authorization'] = f'Bearer {client.token}' if 'authorization' in sent else ''
        try:
            response = client.request(headers=headers, **kwargs)
            response.request.read()  # a multipart body (the CSV upload) is a stream: schemathesis reads it back
        except (AttributeError, TypeError):
            reject()  # a negative multipart case httpx cannot even encode (a number as the file) never reaches us
        case.validate_response(response, checks=checks)

    check()
