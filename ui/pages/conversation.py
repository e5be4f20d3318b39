"""One conversation: its messages and a live timeline of lookup cases."""

from __future__ import annotations

from nicegui import ElementFilter, run, ui

from lookup import replies, service
from lookup.errors import LookupError_
from lookup.schemas import CaseOut
from ui import live
from ui.components.case_card import case_card, stage_text
from ui.components.case_tools import open_history_dialog, open_reply_dialog, open_same_unit_dialog
from ui.components.lookup_dialog import open_lookup_dialog
from ui.formatting import when
from ui.i18n import channel_label, error_text, has, t, tn
from ui.session import act, current_actor
from ui.theme import frame


def register() -> None:
    @ui.page('/conversations/{conversation_id}')
    async def conversation_page(conversation_id: int) -> None:
        actor = current_actor()
        try:
            conv = await act(lambda a: service.get_conversation(a, conversation_id))
        except LookupError_:
            with frame(t('err.NOT_FOUND')):
                ui.label(t('err.NOT_FOUND')).classes('text-negative').mark('not-found')
            return
        if conv is None:  # the session ended meanwhile: on the way to the login page
            return
        await act(lambda a: service.mark_read(a, conversation_id))
        title = conv.customer_name or conv.external_chat_id
        seen: dict[int, str] = {}
        cards: dict[int, ui.element] = {}
        pushed: dict[int, CaseOut] = {}
        reloading = [0]  # reloads waiting for the database right now
        reads = [0]  # message list reads started (the newest one renders)

        with frame(title):
            with ui.row().classes('w-full items-center justify-between'):
                with ui.column().classes('gap-0'):
                    ui.label(title).classes('text-xl font-medium')
                    ui.label(f'{channel_label(conv.channel)} · {conv.external_chat_id}').classes('text-sm text-grey-7')
                if conv.needs_clarification:
                    ui.badge(t('conv.needs_clarification'), color='warning').mark('needs-clarification')
                if actor.can_lookup:
                    ui.button(t('lookup.button'), icon='search',
                              on_click=lambda: open_lookup_dialog(conversation_id, refresh_cases)) \
                        .mark('lookup-button')
            # Two columns from Tailwind's `md` up; on a phone one column with the lookups first: the manager
            # answering from a phone comes for the result (the customer's message is one scroll below).
            with ui.element('div').classes('w-full flex flex-col md:flex-row gap-4 items-stretch md:items-start'):
                with ui.card().classes('w-full md:w-5/12 md:min-w-[320px] order-last md:order-first'):
                    ui.label(t('conv.messages')).classes('font-medium')
                    messages_box = ui.column().classes('w-full gap-2').mark('messages')
                with ui.column().classes('w-full md:flex-1 min-w-0 gap-3').mark('cases'):
                    ui.label(t('conv.lookups')).classes('font-medium')
                    cases_box = ui.column().classes('w-full gap-3')
            dialogs = ui.element('div')  # outside the lists: a refresh must not take an open dialog with it

        async def refresh_messages() -> None:
            # Pushes come in bursts (a reply posted, then delivered a moment later): a read that started earlier
            # may finish later; only the newest read renders, or a stale "sending" would stay on screen.
            reads[0] += 1
            mine = reads[0]
            msgs = await act(lambda a: service.list_messages(a, conversation_id))
            if msgs is None or mine != reads[0]:
                return
            messages_box.clear()
            with messages_box:
                for m in msgs:
                    align = 'self-end bg-blue-1' if m.direction == 'out' else 'self-start bg-grey-2'
                    marks = 'message' + (f' message-out delivery-{m.delivery_status}' if m.delivery_status else '')
                    with ui.column().classes(f'{align} rounded p-2 gap-0 max-w-[90%]').mark(marks):
                        ui.label(m.text).classes('whitespace-pre-wrap break-words')  # plain text, never HTML
                        ui.label(f'{m.author or ""} {when(m.created_at)}'.strip()).classes('text-xs text-grey-7')
                        if m.delivery_status:
                            _delivery(m)
                        if m.direction == 'in':
                            ui.button(t('lookup.button'), on_click=lambda text=m.text: _lookup_from(text)) \
                                .props('flat dense no-caps size=sm').classes('self-end').mark('message-lookup') \
                                if actor.can_lookup else None

        def _delivery(m) -> None:  # noqa: ANN001  (an outgoing message: pending / delivered / failed + reason)
            color = {'pending': 'grey-7', 'delivered': 'positive', 'failed': 'negative'}[m.delivery_status]
            with ui.row().classes('items-center gap-2 self-end'):
                ui.badge(t(f'delivery.{m.delivery_status}'), color=color).props('outline').mark('delivery-status')
                if m.delivery_attempts > 1:
                    ui.label(tn('case.attempts', m.delivery_attempts)).classes('text-xs text-grey-7')
                if m.delivery_status == 'failed' and actor.can_lookup:
                    ui.button(t('delivery.retry'), icon='send', on_click=lambda mid=m.id: retry_delivery(mid)) \
                        .props('flat dense no-caps size=sm').mark('delivery-retry')
            if m.delivery_error and m.delivery_status != 'delivered':
                ui.label(m.delivery_error).classes('text-xs text-negative break-words').mark('delivery-error')

        async def retry_delivery(message_id: int) -> None:
            try:
                ok = await act(lambda a: replies.retry_delivery(a, message_id))
            except LookupError_ as exc:
                ok = None
                with messages_box:
                    ui.notify(error_text(exc.code, exc.message, **exc.params), type='negative')
            # The push of the new state may have rebuilt the thread meanwhile, clicked button included: go on in
            # the thread's box (it stays), not in the button's slot.
            with messages_box:
                if ok:
                    ui.notify(t('delivery.retrying'), type='info')
                await refresh_messages()

        async def _lookup_from(text: str) -> None:
            from lookup import detect
            detection = await run.io_bound(detect.detect, text)  # CPU work on a long message: off the event loop
            found = detection.identifiers if detection else ()
            open_lookup_dialog(conversation_id, refresh_cases, value=found[0].value if found else '')

        async def refresh_cases() -> None:
            reloading[0] += 1
            try:
                items = await act(lambda a: service.list_cases(a, conversation_id))
                if items is None:
                    return
                # A push that arrived while this reload waited for the database is newer than what it read.
                items = [pushed[c.id] if c.id in pushed and pushed[c.id].updated_at > c.updated_at else c
                         for c in items]
                # ... and a case pushed after this reload read the list is missing from it.
                newest = max((c.id for c in items), default=0)
                items = sorted((c for i, c in pushed.items() if i > newest), key=lambda c: -c.id) + items
                positions = {}
                for c in items:
                    if c.status == 'pending':
                        positions[c.id] = await act(lambda a, cid=c.id: service.queue_position(a, cid))  # type: ignore[misc]
            finally:
                reloading[0] -= 1
            cases_box.clear()
            cards.clear()
            with cases_box:
                if not items:
                    ui.label(t('conv.no_lookups')).classes('text-grey-7')
                for c in items:
                    with ui.element('div').classes('w-full') as cards[c.id]:
                        case_card(c, queue_position=positions.get(c.id), **actions)
            _toasts(items)

        def show_pushed(data: dict) -> bool:
            """Render one card from a pushed snapshot: no database read per open page, no rebuilding the other cards
            (50 pages × a full reload per lookup stage stalls the event loop). False: reload the list instead."""
            c = CaseOut.model_validate(data)
            before = pushed.get(c.id)
            if before is not None and before.updated_at > c.updated_at:
                return True  # an older snapshot overtaken by a newer one
            pushed[c.id] = c
            holder = cards.get(c.id)
            if holder is not None and before is not None and before.status == c.status == 'running':
                for label in ElementFilter(kind=ui.label, marker='case-stage').within(instance=holder):
                    label.text = stage_text(c)  # a stage step: one text, not a whole card
                return True
            if holder is None:
                if reloading[0]:
                    return True  # the reload under way shows it (it prefers this snapshot when newer)
                if cards and c.id < max(cards):
                    return False  # not the newest case: let the reload put it in its place
                if not cards:
                    cases_box.clear()  # the "no lookups yet" label
                with cases_box:
                    holder = cards[c.id] = ui.element('div').classes('w-full')
                holder.move(cases_box, target_index=0)
            holder.clear()
            with holder:
                case_card(c, queue_position=None, **actions)
            _toasts([c])
            return True

        async def show_queue_position(case_id: int) -> None:
            """A pushed pending card has no queue position yet (it is a count in the database): add it."""
            position = await act(lambda a: service.queue_position(a, case_id))
            c, holder = pushed.get(case_id), cards.get(case_id)
            if position and c is not None and c.status == 'pending' and holder is not None:
                for label in ElementFilter(kind=ui.label, marker='case-stage').within(instance=holder):
                    label.text = stage_text(c, position)

        def _toasts(items) -> None:  # noqa: ANN001
            for c in items:
                before = seen.get(c.id)
                seen[c.id] = c.status
                if before in ('pending', 'running') and c.status in ('completed', 'failed'):
                    key = f'outcome.{c.outcome}'
                    outcome = t(key) if c.outcome and has(key) else t('outcome.SITE_ERROR')
                    if c.status == 'completed':
                        ui.notify(t('toast.completed', v=c.value, o=outcome), type='positive')
                    else:
                        ui.notify(t('toast.failed', v=c.value, o=outcome), type='negative')

        async def retry(case_id: int) -> None:
            try:
                await act(lambda a: service.retry_case(a, case_id))
            except LookupError_ as exc:
                ui.notify(error_text(exc.code, exc.message, **exc.params), type='negative')
            await refresh_cases()

        async def refresh_case(case_id: int) -> None:
            await retry(case_id)

        async def reply(case_id: int) -> None:
            await open_reply_dialog(dialogs, case_id, conversation_id, can_send=actor.can_lookup,
                                    on_sent=refresh_messages)

        async def same_unit(case_id: int) -> None:
            await open_same_unit_dialog(dialogs, case_id)

        async def history(case_id: int) -> None:
            await open_history_dialog(dialogs, case_id)

        # Viewers get read-only cards (the service refuses them anyway); everyone may preview and copy a reply.
        actions = {'on_reply': reply, 'on_same_unit': same_unit, 'on_history': history}
        if actor.can_lookup:
            actions.update(on_retry=retry, on_refresh=refresh_case)

        async def on_change(change) -> None:  # noqa: ANN001
            if change.conversation_id != conversation_id:
                return
            if change.kind == 'case':
                if not (change.case and show_pushed(change.case)):
                    await refresh_cases()
                elif change.status == 'pending' and change.stage in (None, 'queued'):
                    await show_queue_position(change.case_id)
            elif change.kind == 'message':
                await refresh_messages()

        await refresh_messages()
        await refresh_cases()
        live.changed.subscribe(on_change)
        # Safety net when the push channel is down: poll the database (the truth) every few seconds.
        ui.timer(3.0, lambda: refresh_cases() if not live.state['channel_ok'] else None)
