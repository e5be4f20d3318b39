"""Rules without a page: the login throttle, safe login redirects, user administration in the service, the CLI."""

from __future__ import annotations

import io
import secrets

import pytest

from lookup import auth, cli, throttle, users
from lookup.db import session_scope
from lookup.errors import Forbidden, NotFound
from models import ApiToken
from models import User as UserRow
from tests.api.conftest import World
from ui.pages.login import safe_target


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_memory_is_bounded() -> None:
    store = throttle.MemoryStore()
    store.MAX_KEYS = 50
    t = throttle.LoginThrottle(store, FakeClock())
    for i in range(500):
        t.attempt(f'guess-{i}', f'10.9.{i // 250}.{i % 250}')
    assert len(store._data) <= 50


def test_a_successful_login_takes_its_attempt_back() -> None:
    t = throttle.LoginThrottle(throttle.MemoryStore(), FakeClock())
    for i in range(throttle.ADDRESS_LIMIT * 2):  # an office behind one address: many people log in fine
        t.succeeded(t.attempt(f'colleague-{i}', '10.8.0.1'))
    assert t.attempt('one-more', '10.8.0.1').wait_s == 0


@pytest.mark.parametrize(('target', 'expected'), [
    pytest.param('/cache', '/cache', id='local'),
    pytest.param('/conversations/1?x=1', '/conversations/1?x=1', id='local-with-query'),
    pytest.param('//evil.example', '/', id='protocol-relative'),
    pytest.param('/\\evil.example', '/', id='backslash'),
    pytest.param('https://evil.example', '/', id='absolute'),
    pytest.param('/\x0a/evil', '/', id='control-char'),
])
def test_login_redirect_stays_on_the_site(target: str, expected: str) -> None:
    assert safe_target(target) == expected


@pytest.mark.parametrize(('action', 'role', 'error'), [
    pytest.param('list_users', 'manager', Forbidden, id='manager-lists-users'),
    pytest.param('list_tokens', 'viewer', Forbidden, id='viewer-lists-tokens'),
    pytest.param('issue_other', 'manager', Forbidden, id='manager-issues-token'),
    pytest.param('issue_other', 'admin', NotFound, id='admin-issues-token-in-other-tenant'),
    pytest.param('revoke_other', 'admin', NotFound, id='admin-revokes-token-in-other-tenant'),
    pytest.param('deactivate_other', 'admin', NotFound, id='admin-deactivates-user-in-other-tenant'),
    pytest.param('deactivate_self', 'admin', ValueError, id='admin-deactivates-self'),
    pytest.param('add_bad_role', 'admin', ValueError, id='unknown-role'),
    pytest.param('add_bad_name', 'admin', ValueError, id='bad-username'),
])
def test_user_administration_is_admin_only_and_tenant_scoped(world: World, action: str, role: str,
                                                              error: type[Exception]) -> None:
    me = world.a.members[role]
    actor = auth.Actor(user_id=me.user_id, tenant_id=world.a.id, role=role)
    them = world.b.members['viewer']
    calls = {
        'list_users': lambda: users.list_users(actor),
        'list_tokens': lambda: users.list_tokens(actor),
        'issue_other': lambda: users.issue_token(actor, user_id=them.user_id, name='x'),
        'revoke_other': lambda: users.revoke_token(actor, them.token_id),
        'deactivate_other': lambda: users.set_active(actor, them.user_id, False),
        'deactivate_self': lambda: users.set_active(actor, me.user_id, False),
        'add_bad_role': lambda: users.add_user(actor, username=f'x{secrets.token_hex(3)}', password='12345678',
                                               role='root'),
        'add_bad_name': lambda: users.add_user(actor, username='<b>x</b>', password='12345678', role='viewer'),
    }
    with pytest.raises(error):
        calls[action]()
    with session_scope() as s:  # nothing changed on the other side
        assert s.get(UserRow, them.user_id).is_active
        assert s.get(ApiToken, them.token_id).revoked_at is None


def test_admin_lists_only_their_tenant(world: World) -> None:
    admin = world.b.members['admin']
    actor = auth.Actor(user_id=admin.user_id, tenant_id=world.b.id, role='admin')
    names = {u['username'] for u in users.list_users(actor)}
    assert names == {m.username for m in world.b.members.values()}
    assert {t['username'] for t in users.list_tokens(actor)} <= names


# --- CLI ----------------------------------------------------------------------------------------------------------

def test_cli_creates_users_and_tokens(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    name, tenant = f'cli-{secrets.token_hex(3)}', f'cli-tenant-{secrets.token_hex(3)}'
    monkeypatch.setattr('sys.stdin', io.StringIO('cli-password-1\n'))
    assert cli.main(['create-user', name, '--tenant', tenant, '--role', 'admin', '--password-stdin']) == 0
    assert f'created admin {name} in tenant {tenant}' in capsys.readouterr().out
    with session_scope() as s:
        assert auth.authenticate(session=s, username=name, password='cli-password-1') is not None

    monkeypatch.setattr('sys.stdin', io.StringIO('cli-password-1\n'))
    assert cli.main(['create-user', name.upper(), '--tenant', tenant, '--password-stdin']) == 2
    assert 'taken' in capsys.readouterr().err
    monkeypatch.setattr('sys.stdin', io.StringIO('short\n'))
    assert cli.main(['create-user', f'{name}-2', '--tenant', tenant, '--password-stdin']) == 2
    assert 'at least 8' in capsys.readouterr().err

    assert cli.main(['create-token', name, '--name', 'ci']) == 0
    token = capsys.readouterr().out.strip()
    with session_scope() as s:
        actor = auth.actor_for_token(session=s, token=token)
        assert actor is not None and actor.username == name and actor.is_admin
        user = users.find_user(session=s, username=name)
        user.is_active = False
    assert cli.main(['create-token', name]) == 2  # no tokens for deactivated users
    assert cli.main(['create-token', 'nobody-at-all']) == 2
