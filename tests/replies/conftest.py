"""Issue 12 (replies, same unit, history) in-process on both backends: a migrated SQLite file or PostgreSQL
database (+ Redis on PostgreSQL), two fresh tenants with an admin, a manager and a viewer each, and a real local
webhook receiver."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from lookup import auth, cases, replies, users
from lookup.db import session_scope
from lookup.engine.identifiers import parse
from lookup.engine.result import LookupResult
from models import Conversation
from tests.scale.conftest import backend  # noqa: F401  (the sqlite/postgresql parametrised database)
from tests.webhook_server import WebhookReceiver


@dataclass
class Org:
    id: int
    conversation_id: int
    actors: dict[str, auth.Actor] = field(default_factory=dict)

    @property
    def admin(self) -> auth.Actor:
        return self.actors['admin']

    @property
    def manager(self) -> auth.Actor:
        return self.actors['manager']

    @property
    def viewer(self) -> auth.Actor:
        return self.actors['viewer']


def make_org(label: str) -> Org:
    tag = f'{label}{secrets.token_hex(3)}'
    with session_scope() as s:
        tenant = users.get_or_create_tenant(session=s, slug=f'rep-{tag}')
        actors = {}
        for role in ('admin', 'manager', 'viewer'):
            user = users.create_user(session=s, tenant=tenant, username=f'{role}-{tag}', password='password-123',
                                     role=role, full_name=f'{role.title()} {tag}')
            actors[role] = auth.Actor.of(user)
        conv = Conversation(tenant_id=tenant.id, channel='telegram', external_chat_id=f'chat-{tag}',
                            customer_name='Игорь')
        s.add(conv)
        s.flush()
        return Org(id=tenant.id, conversation_id=conv.id, actors=actors)


def add_case(org: Org, value: str, *, make: str = 'VOLKSWAGEN', model: str = 'GOLF', year: str = '2010',
             gearbox: str | None = 'KCK', factory_code: str | None = None, oem: str | None = '02Q300048H',
             outcome: str = 'FOUND', tag: str | None = None, conversation_id: int | None = None) -> int:
    """A finished case of the org (through cases.finish_from_result, as the worker and cache hits finish them)."""
    ident = parse(value)
    result = LookupResult.model_validate({
        'query': value, 'id_type': ident.kind.value, 'outcome': outcome,
        'vehicle': {'make': make, 'model': model, 'year': year} if outcome != 'VEHICLE_NOT_FOUND' else {},
        'gearbox': {'model': gearbox, 'factory_code': factory_code, 'oem': oem},
        'evidence': {'source': 'podzamenu', 'final_url': f'https://podzamenu.ru/vin/{value}'}})
    with session_scope() as s:
        case = cases.create(session=s, tenant_id=org.id, conversation_id=conversation_id or org.conversation_id,
                            ident=ident, tag=tag)
        cases.finish_from_result(case, result, cache_row=None, from_cache=False)
        s.flush()
        return case.id


@pytest.fixture
def orgs(backend: str) -> tuple[Org, Org]:  # noqa: F811
    return make_org('a'), make_org('b')


@pytest.fixture
def deliveries() -> Iterator[list[int]]:
    """The delivery queue, as the list of message ids handed to it (the worker side is driven by the test)."""
    handed: list[int] = []
    replies.set_deliverer(handed.append)
    yield handed
    replies.set_deliverer(None)


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver
