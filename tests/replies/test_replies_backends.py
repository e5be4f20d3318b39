"""Issue 12 #1 (replies), #3 (same unit) and #6 (history) through the service, on SQLite and PostgreSQL.

Delivery attempts are driven here one by one (`delivery.attempt`, what the Huey task runs) against a real local HTTP
server; Huey's own retry loop end to end is in tests/integration/test_reply_delivery.py."""

from __future__ import annotations

import pytest

from lookup import delivery, replies, units
from lookup.db import session_scope
from lookup.errors import Conflict, Forbidden, Invalid, NotFound
from lookup.sessions import SessionEnded
from models import Message, User
from models.dbtypes import utcnow
from tests.replies.conftest import Org, add_case, make_org
from tests.webhook_server import WebhookReceiver

pytestmark = pytest.mark.usefixtures('backend')


# --- templates ----------------------------------------------------------------------------------------------------

def test_defaults_are_seeded_per_tenant_and_only_admins_edit_them(orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    kinds = [t.kind for t in replies.list_templates(a.viewer)]
    assert kinds == ['found', 'model_only', 'need_plate', 'not_found', 'site_unavailable']
    assert all(t.is_default for t in replies.list_templates(a.manager))
    for who in (a.manager, a.viewer):
        with pytest.raises(Forbidden):
            replies.save_template(who, 'found', 'Ваша КПП: $gearbox')
    saved = replies.save_template(a.admin, 'found', 'Ваша КПП: $gearbox, OEM $oem\r\n')
    assert saved.text == 'Ваша КПП: $gearbox, OEM $oem' and not saved.is_default
    assert next(t for t in replies.list_templates(b.admin) if t.kind == 'found').is_default  # tenant b untouched
    assert replies.reset_template(a.admin, 'found').is_default


@pytest.mark.parametrize(('text', 'code'), [('Привет, $name', 'TEMPLATE_PLACEHOLDER'), ('100 $', 'TEMPLATE_SYNTAX'),
                                            ('  ', 'TEMPLATE_EMPTY')])
def test_a_bad_template_is_refused_and_nothing_is_saved(orgs: tuple[Org, Org], text: str, code: str) -> None:
    a, _ = orgs
    with pytest.raises(Invalid) as err:
        replies.save_template(a.admin, 'need_plate', text)
    assert err.value.code == code and err.value.http_status == 422
    assert next(t for t in replies.list_templates(a.admin) if t.kind == 'need_plate').is_default
    with pytest.raises(Invalid, match='kind'):
        replies.save_template(a.admin, 'greeting', 'x')


BAD_URLS = ['ftp://bridge/x', 'javascript:alert(1)', 'http://', 'bridge.local/hook', 'http://exa mple.com/',
            'https://host:0/x', 'file:///etc/passwd', 'https://host/' + 'x' * 500, 'https://host/\nX-Injected: 1']


def test_the_webhook_url_must_be_http_or_https(orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    for url in BAD_URLS:
        with pytest.raises(Invalid) as err:
            replies.set_webhook(a.admin, url)
        assert err.value.code == 'WEBHOOK_URL', url
    assert replies.get_reply_settings(a.admin).webhook_url is None


def test_the_webhook_is_admin_only_and_gets_a_secret(orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    for who in (a.manager, a.viewer):
        with pytest.raises(Forbidden):
            replies.set_webhook(who, 'https://bridge.example/hook')
        with pytest.raises(Forbidden):
            replies.get_reply_settings(who)
    first = replies.set_webhook(a.admin, ' https://bridge.example/hook ')
    assert first.webhook_url == 'https://bridge.example/hook' and len(first.webhook_secret or '') == 64
    assert replies.set_webhook(a.admin, 'http://10.0.0.5:8081/out').webhook_secret == first.webhook_secret
    assert replies.set_webhook(a.admin, 'http://10.0.0.5:8081/out', new_secret=True).webhook_secret \
        != first.webhook_secret
    assert replies.get_reply_settings(b.admin).webhook_url is None
    assert replies.set_webhook(a.admin, '').webhook_url is None


# --- preview and posting ----------------------------------------------------------------------------------------

def test_preview_fills_the_outcome_template_from_the_case(orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    case_id = add_case(a, 'WVWZZZ1KZAW000001')
    preview = replies.preview_reply(a.viewer, case_id)
    assert preview.kind == preview.suggested_kind == 'found'
    assert preview.text.startswith('Здравствуйте, Игорь!') and '02Q300048H' in preview.text
    plate = replies.preview_reply(a.manager, case_id, 'need_plate')
    assert plate.kind == 'need_plate' and plate.suggested_kind == 'found' and 'шильдик' in plate.text
    with pytest.raises(NotFound):  # another tenant's case does not exist for b
        replies.preview_reply(b.admin, case_id)
    with pytest.raises(Invalid, match='kind'):
        replies.preview_reply(a.manager, case_id, 'nonsense')


def test_an_edited_template_is_what_the_preview_uses(orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    replies.save_template(a.admin, 'not_found', 'Не нашли $vin, $greeting')
    case_id = add_case(a, 'WVWZZZ1KZAW000404', outcome='VEHICLE_NOT_FOUND', gearbox=None, oem=None)
    assert replies.preview_reply(a.manager, case_id).text == 'Не нашли WVWZZZ1KZAW000404, Здравствуйте, Игорь!'


def test_a_reply_is_stored_shown_in_the_thread_and_handed_to_delivery(orgs: tuple[Org, Org],
                                                                        deliveries: list[int]) -> None:
    a, b = orgs
    case_id = add_case(a, 'WVWZZZ1KZAW000002')
    msg = replies.post_reply(a.manager, a.conversation_id, case_id=case_id)
    assert msg.direction == 'out' and msg.delivery_status == 'pending' and msg.reply_kind == 'found'
    assert msg.case_id == case_id and '02Q300048H' in msg.text and msg.author.startswith('Manager')
    edited = replies.post_reply(a.admin, a.conversation_id, text='  Отредактировано\r\nменеджером  ', case_id=case_id,
                                kind='found')
    assert edited.text == 'Отредактировано\nменеджером'
    assert deliveries == [msg.id, edited.id]
    from lookup import service
    thread = service.list_messages(a.viewer, a.conversation_id)
    assert [m.id for m in thread if m.direction == 'out'] == [msg.id, edited.id]
    assert service.get_conversation(a.viewer, a.conversation_id).last_message_text == 'Отредактировано\nменеджером'
    with pytest.raises(Forbidden):
        replies.post_reply(a.viewer, a.conversation_id, text='нельзя')
    with pytest.raises(NotFound):
        replies.post_reply(b.manager, a.conversation_id, text='чужой диалог')
    with pytest.raises(NotFound):
        replies.post_reply(b.manager, b.conversation_id, case_id=case_id)
    with pytest.raises(Invalid):
        replies.post_reply(a.manager, a.conversation_id, text='   ')
    with pytest.raises(Invalid):
        replies.post_reply(a.manager, a.conversation_id)  # neither a text nor a case
    assert deliveries == [msg.id, edited.id]


def test_permissions_are_checked_at_the_moment_of_the_action(orgs: tuple[Org, Org], deliveries: list[int]) -> None:
    a, _ = orgs
    page_copy = a.manager  # what a page held when it opened
    with session_scope() as s:
        s.get(User, page_copy.user_id).role = 'viewer'
    with pytest.raises(Forbidden):
        replies.post_reply(page_copy, a.conversation_id, text='уже не менеджер')
    with session_scope() as s:
        s.get(User, page_copy.user_id).is_active = False
    with pytest.raises(SessionEnded):
        replies.preview_reply(page_copy, add_case(a, 'WVWZZZ1KZAW000003'))
    assert deliveries == []


# --- delivery attempts against a real HTTP server -------------------------------------------------------------

def _message(message_id: int) -> Message:
    with session_scope() as s:
        return s.get(Message, message_id)


def test_a_delivery_posts_the_signed_message_once_delivered(orgs: tuple[Org, Org], deliveries: list[int],
                                                            hook: WebhookReceiver) -> None:
    a, _ = orgs
    secret = replies.set_webhook(a.admin, hook.url).webhook_secret
    msg = replies.post_reply(a.manager, a.conversation_id, text='Ваша коробка: KCK')
    assert delivery.attempt(msg.id, retries_left=3) == 'delivered'
    [got] = hook.wait_for(1)
    assert got.path == '/bridge/outgoing'
    assert got.headers['idempotency-key'] == f'message-{msg.id}'
    assert got.headers['x-podzamenu-signature'] == delivery.signature(secret, got.body)
    assert got.json['message']['text'] == 'Ваша коробка: KCK'
    assert got.json['conversation']['external_chat_id'].startswith('chat-')
    row = _message(msg.id)
    assert row.delivery_status == 'delivered' and row.delivered_at and row.delivery_attempts == 1
    assert delivery.attempt(msg.id, retries_left=3) == 'delivered'  # a repeated task does nothing
    assert len(hook.requests) == 1


def test_a_failing_receiver_keeps_it_pending_then_failed_with_the_reason_then_retried(
        orgs: tuple[Org, Org], deliveries: list[int], hook: WebhookReceiver) -> None:
    a, _ = orgs
    replies.set_webhook(a.admin, hook.url)
    msg = replies.post_reply(a.manager, a.conversation_id, text='Ответ')
    hook.script(503, 500)
    with pytest.raises(delivery.DeliveryFailed):
        delivery.attempt(msg.id, retries_left=1, retry_in_s=10)
    row = _message(msg.id)
    assert row.delivery_status == 'pending' and 'HTTP 503' in row.delivery_error and 'retrying' in row.delivery_error
    assert row.delivery_due_at > utcnow()
    assert delivery.attempt(msg.id, retries_left=0) == 'failed'  # the last retry
    row = _message(msg.id)
    assert row.delivery_status == 'failed' and row.delivery_error.startswith('HTTP 500') and row.delivery_attempts == 2
    with pytest.raises(Forbidden):
        replies.retry_delivery(a.viewer, msg.id)
    again = replies.retry_delivery(a.manager, msg.id)
    assert again.delivery_status == 'pending' and deliveries[-1] == msg.id
    with pytest.raises(Conflict):  # only a failed delivery can be retried
        replies.retry_delivery(a.manager, msg.id)
    assert delivery.attempt(msg.id, retries_left=5) == 'delivered'
    assert [r.headers['idempotency-key'] for r in hook.wait_for(3)] == [f'message-{msg.id}'] * 3
    assert len({r.body for r in hook.requests}) == 1  # the same bytes on every attempt


def test_a_final_client_error_or_no_url_fails_at_once(orgs: tuple[Org, Org], deliveries: list[int],
                                                     hook: WebhookReceiver) -> None:
    a, b = orgs
    msg = replies.post_reply(a.manager, a.conversation_id, text='Нет адреса')
    assert delivery.attempt(msg.id, retries_left=5) == 'failed'
    assert _message(msg.id).delivery_error.startswith('NO_WEBHOOK')
    replies.set_webhook(a.admin, hook.url)
    hook.script(404, 302)
    msg2 = replies.post_reply(a.manager, a.conversation_id, text='Не тот путь')
    assert delivery.attempt(msg2.id, retries_left=5) == 'failed'
    assert _message(msg2.id).delivery_error.startswith('HTTP 404')
    msg3 = replies.post_reply(a.manager, a.conversation_id, text='Перенаправление')
    assert delivery.attempt(msg3.id, retries_left=5) == 'failed'  # a redirect is not followed, nor retried
    assert _message(msg3.id).delivery_error.startswith('HTTP 302')
    with pytest.raises(NotFound):  # another tenant cannot see or retry it
        replies.retry_delivery(b.manager, msg2.id)
    with pytest.raises(NotFound):
        replies.get_message(b.viewer, msg2.id)


def test_the_push_of_a_delivery_state_comes_after_its_commit(backend: str, orgs: tuple[Org, Org],
                                                              deliveries: list[int], hook: WebhookReceiver) -> None:
    """An open page reloads the thread when the push arrives: the new state must already be readable then."""
    if backend != 'sqlite':
        pytest.skip('in-process sinks see the pushes on the embedded default (production relays them over Redis)')
    from lookup import events
    a, _ = orgs
    replies.set_webhook(a.admin, hook.url)
    msg = replies.post_reply(a.manager, a.conversation_id, text='Ответ')
    seen: list[str | None] = []

    def page_reload(change: events.Change) -> None:
        if change.kind == 'message' and change.conversation_id == a.conversation_id:
            seen.append(replies.get_message(a.viewer, msg.id).delivery_status)
    events.add_local_sink(page_reload)
    try:
        hook.script(500)
        with pytest.raises(delivery.DeliveryFailed):
            delivery.attempt(msg.id, retries_left=1)
        assert delivery.attempt(msg.id, retries_left=0) == 'delivered'
    finally:
        events._local_sinks.remove(page_reload)
    assert seen == ['pending', 'delivered']


def test_an_unreachable_receiver_is_a_retried_failure(orgs: tuple[Org, Org], deliveries: list[int]) -> None:
    a, _ = orgs
    with WebhookReceiver() as gone:
        url = gone.url
    replies.set_webhook(a.admin, url)  # nothing listens there any more
    msg = replies.post_reply(a.manager, a.conversation_id, text='Ответ')
    with pytest.raises(delivery.DeliveryFailed):
        delivery.attempt(msg.id, retries_left=2)
    assert 'ConnectError' in _message(msg.id).delivery_error


def test_a_lost_delivery_task_is_enqueued_again_by_the_sweep(orgs: tuple[Org, Org], deliveries: list[int]) -> None:
    a, _ = orgs

    def down(_: int) -> None:
        raise ConnectionError('queue down')
    replies.set_deliverer(down)
    msg = replies.post_reply(a.manager, a.conversation_id, text='Очередь недоступна')  # stored anyway
    assert _message(msg.id).delivery_status == 'pending'
    again: list[int] = []
    assert delivery.requeue_overdue(again.append) == 0  # not overdue yet
    with session_scope() as s:
        s.get(Message, msg.id).delivery_due_at = utcnow() - delivery.OVERDUE * 2
    assert delivery.requeue_overdue(again.append) == 1 and again == [msg.id]
    assert delivery.requeue_overdue(again.append) == 0  # its due time moved on


# --- same unit, other cars ------------------------------------------------------------------------------------

def test_same_unit_lists_the_tenants_other_cars_with_that_oem_or_code(orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    mine = add_case(a, 'WVWZZZ1KZAW000010', oem='02Q 300 048 H')
    add_case(a, 'WVWZZZ1KZAW000010')  # the same car again: not "another car"
    by_oem = add_case(a, 'TMBZZZ1KZAW000011', make='SKODA', model='OCTAVIA', year='2011', gearbox='LHW')
    add_case(a, 'VSSZZZ1KZAW000012', make='SEAT', model='LEON', year='2009', gearbox='kck', oem=None,
             outcome='MODEL_ONLY')
    add_case(a, 'VSSZZZ1KZAW000012', make='SEAT', model='LEON', year='2009', gearbox='KCK', oem=None,
             outcome='MODEL_ONLY')
    add_case(a, 'WAUZZZ1KZAW000013', make='AUDI', gearbox='5MT', factory_code=None, oem='0A4300045')  # no match
    add_case(b, 'WVWZZZ1KZAW000014')  # tenant b: the very same unit, never shown to a
    found = units.same_unit(a.viewer, mine)
    assert found.oem == '02Q 300 048 H' and found.gearbox == 'KCK' and found.total == 2
    seat, skoda = found.cars  # newest first
    assert (seat.value, seat.make, seat.model, seat.year, seat.matched_by, seat.lookups) == \
        ('VSSZZZ1KZAW000012', 'SEAT', 'LEON', '2009', ['gearbox'], 2)
    assert (skoda.case_id, skoda.matched_by, skoda.lookups) == (by_oem, ['oem'], 1)
    assert skoda.looked_up_at <= seat.looked_up_at
    with pytest.raises(NotFound):
        units.same_unit(b.admin, mine)
    assert [c.value for c in units.same_unit(b.viewer, add_case(b, 'WVWZZZ1KZAW000015')).cars] == \
        ['WVWZZZ1KZAW000014']


def test_a_generic_code_matches_nothing_but_its_oem(orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    first = add_case(a, 'XTA21099AW0000001', make='LADA', gearbox='5MT', oem=None, outcome='MODEL_ONLY')
    add_case(a, 'XTA21099AW0000002', make='LADA', gearbox='5MT', oem=None, outcome='MODEL_ONLY')
    assert units.same_unit(a.manager, first).total == 0


# --- history per identifier -----------------------------------------------------------------------------------

def test_history_lists_every_lookup_of_the_identifier_with_what_changed(orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    other = make_org('c')
    vin = 'WVWZZZ1KZAW000020'
    c1 = add_case(a, vin, gearbox='KCK', oem='02Q300048H')
    c2 = add_case(a, vin, gearbox='KCK', oem='02Q300048H', tag='KCK')
    failed = add_case(a, vin, outcome='SITE_ERROR', gearbox=None, oem=None)
    c4 = add_case(a, vin, gearbox='LHW', oem='02Q300049J')
    add_case(other, vin)  # another tenant's lookup of the same VIN: not in a's history
    hist = units.history_for_case(a.viewer, c2)
    assert (hist.key, hist.value, hist.total) == (f'VIN:{vin}', vin, 4)
    assert [e.case_id for e in hist.entries] == [c1, c2, failed, c4]
    e1, e2, e3, e4 = hist.entries
    assert e1.compared_with is None and e1.changes == []
    assert e2.compared_with == c1 and e2.changes == [] and e2.tag == 'KCK'
    assert e3.status == 'failed' and e3.compared_with is None and e3.changes == []  # a failed visit is no result
    assert e4.compared_with == c2
    assert [(ch.field, ch.before, ch.after) for ch in e4.changes] == [('oem', '02Q300048H', '02Q300049J'),
                                                                      ('gearbox', 'KCK', 'LHW')]
    assert units.history_for_key(a.manager, f'VIN:{vin}').total == 4
    with pytest.raises(NotFound):
        units.history_for_case(b.viewer, c1)
    with pytest.raises(NotFound):  # b never looked it up: no hint that someone else did
        units.history_for_key(b.viewer, f'VIN:{vin}')
