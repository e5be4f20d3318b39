"""POST /api/inbound/messages: conversations, idempotency, automatic lookups, clarification, live pages."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

import httpx
import pytest
from nicegui.testing import User

from lookup import service
from lookup.errors import RateLimited
from tests.api.conftest import World, bearer, log_in, random_vin
from tests.ui.conftest import cached_result

pytestmark = pytest.mark.asyncio(loop_scope='module')


def message(chat: str | None = None, text: str = 'Здравствуйте, нужна коробка', **extra: str) -> dict:
    return {'channel': 'telegram', 'external_chat_id': chat or f'chat-{secrets.token_hex(4)}',
            'external_message_id': f'msg-{secrets.token_hex(4)}', 'customer_name': 'Пётр', 'text': text, **extra}


@pytest.fixture
def post(api: httpx.AsyncClient, world: World):  # noqa: ANN201
    async def send(body: dict, tenant: str = 'a') -> httpx.Response:
        member = (world.a if tenant == 'a' else world.b).members['manager']
        return await api.post('/api/inbound/messages', json=body, headers=bearer(member.token))
    return send


async def test_a_new_chat_becomes_a_conversation(post, api: httpx.AsyncClient, world: World) -> None:  # noqa: ANN001
    body = message(text='Добрый день! Есть коробка на Гольф?')
    r = await post(body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out['duplicate'] is False and out['lookup'] is None and out['needs_clarification'] is False
    assert out['message']['text'] == body['text'] and out['message']['direction'] == 'in'
    conv = (await api.get(f'/api/conversations/{out["message"]["conversation_id"]}',
                          headers=bearer(world.a.members['viewer'].token))).json()
    assert (conv['channel'], conv['external_chat_id'], conv['customer_name']) == ('telegram', body['external_chat_id'],
                                                                                   'Пётр')
    assert conv['unread_count'] == 1 and conv['last_message_text'] == body['text']
    # the same chat id in another tenant is another conversation
    r_b = await post(dict(body, external_message_id='other'), tenant='b')
    assert r_b.status_code == 201 and r_b.json()['message']['conversation_id'] != out['message']['conversation_id']


async def test_a_repeat_is_recognised_by_external_message_id(post, api: httpx.AsyncClient,  # noqa: ANN001
                                                             world: World) -> None:
    vin = random_vin()
    cached_result(vin)
    body = message(text=f'VIN {vin}')
    first = await post(body)
    again = await post(body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()['duplicate'] is True
    assert again.json()['message'] == first.json()['message']
    assert again.json()['lookup']['id'] == first.json()['lookup']['id']  # no second lookup either
    conv_id = first.json()['message']['conversation_id']
    headers = bearer(world.a.members['viewer'].token)
    assert len((await api.get(f'/api/conversations/{conv_id}/messages', headers=headers)).json()) == 1
    assert len((await api.get(f'/api/conversations/{conv_id}/lookups', headers=headers)).json()) == 1
    assert (await api.get(f'/api/conversations/{conv_id}', headers=headers)).json()['unread_count'] == 1
    # a new message id in the same chat is a new message
    assert (await post(dict(body, external_message_id='next'))).status_code == 201


async def test_concurrent_repeats_store_one_message(post, api: httpx.AsyncClient, world: World) -> None:  # noqa: ANN001
    body = message()
    statuses = sorted(r.status_code for r in await asyncio.gather(*(post(body) for _ in range(6))))
    assert statuses == [200] * 5 + [201]
    convs = (await api.get('/api/conversations', params={'q': body['text'], 'page_size': 200},
                           headers=bearer(world.a.members['viewer'].token))).json()['items']
    mine = [c for c in convs if c['external_chat_id'] == body['external_chat_id']]
    assert len(mine) == 1


@pytest.mark.parametrize(('template', 'status', 'cached'), [
    pytest.param('Здравствуйте, VIN {vin}, нужна АКПП', 'completed', True, id='vin-cached'),
    pytest.param('вин {vin} нужна кпп срочно', 'pending', False, id='vin-queued'),
    pytest.param('Номер кузова {frame}, праворукая', 'pending', False, id='frame-queued'),
])
async def test_a_single_identifier_starts_a_lookup(post, api: httpx.AsyncClient, world: World,  # noqa: ANN001
                                                   template: str, status: str, cached: bool) -> None:
    vin = random_vin()
    frame = f'ZZT240-{secrets.randbelow(10**7):07d}'
    if cached:
        cached_result(vin)
    r = await post(message(text=template.format(vin=vin, frame=frame)))
    assert r.status_code == 201, r.text
    out = r.json()
    case = out['lookup']
    assert case is not None and case['status'] == status and out['needs_clarification'] is False
    assert case['value'] in (vin, frame)
    assert case['message_id'] == out['message']['id']  # linked to the message that carried it
    listed = (await api.get(f'/api/conversations/{out["message"]["conversation_id"]}/lookups',
                            headers=bearer(world.a.members['viewer'].token))).json()
    assert [c['id'] for c in listed] == [case['id']]


@pytest.mark.parametrize('text', [
    pytest.param('VIN {vin} или {vin2}, не помню какой', id='two-vins'),
    pytest.param('вин {vin16}', id='sixteen-chars'),
    pytest.param('VIN {vin_o}', id='letter-o'),
])
async def test_unclear_identifiers_ask_for_clarification(post, api: httpx.AsyncClient, world: World,  # noqa: ANN001
                                                         text: str) -> None:
    vin, vin2 = random_vin(), random_vin()
    body = message(text=text.format(vin=vin, vin2=vin2, vin16=vin[:16], vin_o=vin[:10] + 'O' + vin[11:]))
    r = await post(body)
    out = r.json()
    assert r.status_code == 201 and out['lookup'] is None and out['needs_clarification'] is True
    headers = bearer(world.a.members['viewer'].token)
    conv_id = out['message']['conversation_id']
    flagged = (await api.get('/api/conversations', params={'needs_clarification': True, 'page_size': 200},
                             headers=headers)).json()['items']
    assert conv_id in {c['id'] for c in flagged}
    # the customer answers with one VIN: the flag goes and the lookup starts
    cached_result(vin)
    r = await post(dict(body, external_message_id='answer', text=f'Вот правильный: {vin}'))
    assert r.json()['needs_clarification'] is False and r.json()['lookup']['status'] == 'completed'
    assert (await api.get(f'/api/conversations/{conv_id}', headers=headers)).json()['needs_clarification'] is False


async def test_text_without_identifiers_starts_nothing(post) -> None:  # noqa: ANN001
    out = (await post(message(text='Перезвоните мне +7 (912) 345-67-89, заказ 123456'))).json()
    assert out['lookup'] is None and out['needs_clarification'] is False


async def test_the_message_is_kept_when_the_rate_limit_refuses_the_lookup(post, api: httpx.AsyncClient,  # noqa: ANN001
                                                                        world: World,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_: object) -> None:
        raise RateLimited('Lookup limit reached.', retry_after=30)

    monkeypatch.setattr(service.limits, 'check_rate', refuse)
    r = await post(message(text=f'VIN {random_vin()}'))
    assert r.status_code == 201 and r.json()['lookup'] is None
    msgs = (await api.get(f'/api/conversations/{r.json()["message"]["conversation_id"]}/messages',
                          headers=bearer(world.a.members['viewer'].token))).json()
    assert [m['id'] for m in msgs] == [r.json()['message']['id']]


@pytest.mark.parametrize(('field', 'value'), [
    pytest.param('text', '', id='empty-text'),
    pytest.param('text', 'x' * 10_001, id='long-text'),
    pytest.param('text', 'VIN\x00', id='nul-in-text'),
    pytest.param('external_message_id', '', id='empty-message-id'),
    pytest.param('channel', 'c' * 33, id='long-channel'),
])
async def test_invalid_messages_are_refused(post, field: str, value: str) -> None:  # noqa: ANN001
    r = await post(message(**{field: value}))
    assert r.status_code == 422
    assert r.json()['error']['code'] == 'VALIDATION_ERROR' and field in r.json()['error']['message']


async def test_a_new_message_appears_live_in_the_open_conversation(visitor: Callable[[], User], post,  # noqa: ANN001
                                                                   world: World) -> None:
    user = await log_in(visitor(), world.a.members['viewer'])
    await user.open(f'/conversations/{world.a.conversation_id}')
    await user.should_see(world.a.message_text)
    vin = random_vin()
    cached_result(vin, oem='0AM300058H')
    text = f'Ещё вопрос: VIN {vin}'
    r = await post(message(chat=world.a.chat_id, text=text))
    assert r.status_code == 201 and r.json()['message']['conversation_id'] == world.a.conversation_id
    await user.should_see(text, retries=50)  # pushed over the websocket, no reload
    await user.should_see(marker=f'case-{r.json()["lookup"]["id"]}', retries=50)
    await user.should_see('0AM300058H')
