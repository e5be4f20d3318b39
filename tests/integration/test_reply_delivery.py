"""Issue 12 #1 end to end: a reply posted through the API is delivered to a real local webhook by the real Huey
consumer, with Huey's own retries, on the embedded default (SQLite + in-process SqliteHuey consumer) and in
production mode (PostgreSQL + Redis + a separate huey_consumer process)."""

from __future__ import annotations

import json

import pytest

from tests.backends import fresh_postgres, fresh_redis
from tests.stack import Stack, start_stack, wait_until
from tests.webhook_server import WebhookReceiver

RETRIES = 3


@pytest.fixture(scope='module', params=['embedded', 'production'])
def stack(request, sandbox) -> Stack:  # noqa: ANN001
    env = {'REPLY_DELIVERY_RETRIES': str(RETRIES), 'REPLY_DELIVERY_RETRY_DELAY_S': '0.2'}
    if request.param == 'production':
        st = start_stack(sandbox_url=sandbox.url, database_url=fresh_postgres(), redis_url=fresh_redis(),
                         extra_env=env)
    else:
        st = start_stack(sandbox_url=sandbox.url, extra_env=env)
    yield st
    st.close()


@pytest.fixture(scope='module')
def admin(stack: Stack):  # noqa: ANN201
    """An API client of the demo admin (the demo token is the manager's)."""
    token = stack.python('from lookup import auth, users\nfrom lookup.db import session_scope\n'
                         'with session_scope() as s:\n'
                         '    print(auth.create_token(session=s, user=users.find_user(session=s, username="admin"),'
                         ' name="t")[1])').strip()
    return stack.client(token)


@pytest.fixture(scope='module')
def hook(stack: Stack, admin) -> WebhookReceiver:  # noqa: ANN001
    with WebhookReceiver() as receiver:
        r = admin.put('/api/replies/settings', json={'url': receiver.url})
        assert r.status_code == 200, r.text
        receiver.secret = r.json()['webhook_secret']
        yield receiver


def _conversation(stack: Stack) -> int:
    return stack.api.get('/api/conversations', params={'page_size': 1}).json()['items'][0]['id']


def _settled(stack: Stack, message_id: int, status: str) -> dict:
    def check() -> dict | None:
        msg = stack.api.get(f'/api/messages/{message_id}').json()
        return msg if msg['delivery_status'] == status else None
    return wait_until(check, 30, f'message {message_id} to be {status}', interval=0.1)


def test_a_reply_is_delivered_after_huey_retries_a_failing_receiver(stack: Stack, hook: WebhookReceiver) -> None:
    hook.requests.clear()
    hook.script(500, 502)
    r = stack.api.post(f'/api/conversations/{_conversation(stack)}/replies', json={'text': 'Ваша КПП: KCK'})
    assert r.status_code == 201, r.text
    assert r.json()['delivery_status'] == 'pending' and r.json()['direction'] == 'out'
    msg = _settled(stack, r.json()['id'], 'delivered')
    assert msg['delivery_attempts'] == 3 and msg['delivery_error'] is None and msg['delivered_at']
    got = hook.wait_for(3)
    assert [g.headers['x-podzamenu-attempt'] for g in got] == ['1', '2', '3']
    import hashlib
    import hmac
    body = got[-1].body
    assert got[-1].headers['x-podzamenu-signature'] == \
        'sha256=' + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)['message']['text'] == 'Ваша КПП: KCK'
    thread = stack.api.get(f'/api/conversations/{msg["conversation_id"]}/messages').json()
    assert any(m['id'] == msg['id'] and m['delivery_status'] == 'delivered' for m in thread)


def test_when_retries_run_out_it_fails_with_the_reason_and_a_retry_delivers_it(stack: Stack,
                                                                               hook: WebhookReceiver) -> None:
    hook.requests.clear()
    hook.script(*[503] * (RETRIES + 1))
    r = stack.api.post(f'/api/conversations/{_conversation(stack)}/replies', json={'text': 'Не дойдёт сразу'})
    msg = _settled(stack, r.json()['id'], 'failed')
    assert msg['delivery_attempts'] == RETRIES + 1 and msg['delivery_error'].startswith('HTTP 503')
    again = stack.api.post(f'/api/messages/{msg["id"]}/delivery')
    assert again.status_code == 200 and again.json()['delivery_status'] == 'pending'
    assert _settled(stack, msg['id'], 'delivered')['delivery_attempts'] == RETRIES + 2
    conflict = stack.api.post(f'/api/messages/{msg["id"]}/delivery')
    assert conflict.status_code == 409 and conflict.json()['error']['code'] == 'DELIVERY_NOT_FAILED'


def test_the_webhook_is_validated_and_admin_only(stack: Stack, admin) -> None:  # noqa: ANN001
    bad = admin.put('/api/replies/settings', json={'url': 'ftp://bridge/out'})
    assert bad.status_code == 422 and bad.json()['error']['code'] == 'WEBHOOK_URL'
    assert stack.api.put('/api/replies/settings', json={'url': 'https://x.example/'}).status_code == 403
    assert stack.api.get('/api/replies/settings').status_code == 403
