"""Issue 12 in real Chromium: the admin sets the reply webhook, a manager looks a VIN up, replies from the card,
sees the delivery land at a real local webhook receiver, sees a failed delivery and sends it again, then opens the
identifier's history and the same-unit list; desktop and phone screenshots."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import _found_vin, _login
from tests.stack import Stack
from tests.webhook_server import WebhookReceiver

_ANOTHER_CAR = '''
from sqlmodel import col, select
from lookup import cases
from lookup.db import session_scope
from lookup.engine.identifiers import parse
from lookup.engine.result import LookupResult
from models import LookupCase
with session_scope() as s:
    seen = s.exec(select(LookupCase).where(LookupCase.value == "{vin}", LookupCase.status == "completed")
                  .order_by(col(LookupCase.id).desc())).first()
    other = s.exec(select(LookupCase.conversation_id).where(LookupCase.tenant_id == seen.tenant_id,
                   LookupCase.conversation_id != seen.conversation_id)).first() or seen.conversation_id
    result = dict(seen.result, query="SJNFBAJ10U2777777")
    result["vehicle"] = dict(result["vehicle"], model="X-TRAIL", year="05.2014")
    case = cases.create(session=s, tenant_id=seen.tenant_id, conversation_id=other,
                        ident=parse("SJNFBAJ10U2777777"), tag=None)
    cases.finish_from_result(case, LookupResult.model_validate(result), cache_row=None, from_cache=False)
'''


def _still(page: Page) -> None:
    """Quasar's dialog and notification transitions have ended (a screenshot mid-animation shows a ghost)."""
    expect(page.locator('[class*="q-transition--"][class*="-active"]')).to_have_count(0)


def test_reply_from_the_card_is_delivered_and_history_shows_the_lookups(page: Page, shot,  # noqa: ANN001
                                                                        app_stack: Stack) -> None:
    vin, oem = _found_vin()
    with WebhookReceiver() as hook:
        try:
            _login(page, 'admin')
            page.get_by_role('button', name='Ответы', exact=True).click()
            page.get_by_placeholder('https://bridge.example/outgoing').fill('ftp://nope')
            page.get_by_role('button', name='Сохранить адрес').click()
            expect(page.get_by_text('Адрес должен начинаться с http:// или https://')).to_be_visible()
            page.get_by_placeholder('https://bridge.example/outgoing').fill(hook.url)
            page.get_by_role('button', name='Сохранить адрес').click()
            expect(page.get_by_text('Адрес сохранён')).to_be_visible()
            expect(page.get_by_text('Секрет подписи')).to_be_visible()
            _still(page)
            shot('20-replies-admin')

            page.context.clear_cookies()
            _login(page, 'manager')
            page.get_by_role('cell', name='Игорь').click()
            page.get_by_role('button', name='Поиск по VIN').first.click()
            page.get_by_label('VIN или FRAME').fill(vin)
            page.get_by_role('button', name='Искать').click()
            card = page.locator('.case-card').first
            expect(card).to_contain_text('готово', timeout=60_000)
            app_stack.python(_ANOTHER_CAR.format(vin=vin))  # one more car with this unit, in another conversation
            card.get_by_role('button', name='Ответить').click()
            dialog = page.locator('.q-dialog').filter(has_text='Ответ клиенту')
            text = dialog.get_by_label('Текст ответа')
            expect(text).to_have_value(re.compile(f'Здравствуйте, Игорь!.*{oem}', re.S))
            _still(page)
            shot('21-reply-dialog')
            text.fill(text.input_value() + '\nЦена с доставкой: 45 000 ₽')
            dialog.get_by_role('button', name='Отправить в диалог').click()
            hook.wait_for(1)
            sent = page.locator('.bg-blue-1').filter(has_text='Цена с доставкой: 45 000 ₽')
            expect(sent.locator('.q-badge')).to_have_text('доставлено')  # the worker's update, pushed to the page
            assert hook.requests[0].json['message']['text'].endswith('Цена с доставкой: 45 000 ₽')
            assert hook.requests[0].json['conversation']['customer_name'] == 'Игорь'

            hook.script(404)  # the bridge refuses the next one: a final answer, no retries
            card.get_by_role('button', name='Ответить').click()
            dialog = page.locator('.q-dialog').filter(has_text='Ответ клиенту')
            dialog.get_by_label('Шаблон').click()
            page.get_by_role('option', name='Нужно фото шильдика').click()
            expect(dialog.get_by_label('Текст ответа')).to_have_value(re.compile('шильдик'))
            dialog.get_by_role('button', name='Отправить в диалог').click()
            failed = page.locator('.bg-blue-1').filter(has_text='По маркировке подберём')
            expect(failed.locator('.q-badge')).to_have_text('не доставлено')
            expect(failed).to_contain_text('HTTP 404')
            _still(page)
            shot('22-delivery-failed')
            failed.get_by_role('button', name='Отправить ещё раз').click()
            expect(failed.locator('.q-badge')).to_have_text('доставлено')
            expect(failed).not_to_contain_text('HTTP 404')
            assert len(hook.wait_for(3)) == 3

            page.get_by_role('button', name='Поиск по VIN').first.click()  # the same VIN again: from the cache
            page.get_by_label('VIN или FRAME').fill(vin)
            page.get_by_role('button', name='Искать').click()
            expect(page.locator('.case-card').first).to_contain_text('Из кэша')
            page.locator('.case-card').first.get_by_role('button', name='История').click()
            history = page.locator('.q-dialog').filter(has_text='История поисков')
            expect(history).to_contain_text(vin)
            expect(history).to_contain_text('без изменений')
            _still(page)
            shot('23-history')
            history.get_by_role('button', name='OK').click()
            page.locator('.case-card').first.get_by_role('button', name='Та же КПП').click()
            same = page.locator('.q-dialog').filter(has_text='Эта КПП в других машинах')
            expect(same).to_contain_text(oem)
            expect(same.get_by_role('row').filter(has_text='SJNFBAJ10U2777777')).to_contain_text('X-TRAIL')
            _still(page)
            shot('24-same-unit')
            same.get_by_role('button', name='OK').click()
            _still(page)
            shot('25-thread-desktop')

            page.set_viewport_size({'width': 390, 'height': 844})
            page.reload()
            expect(page.locator('.case-card').first).to_be_visible()
            _still(page)
            shot('26-thread-phone')
            page.locator('.case-card').first.get_by_role('button', name='Ответить').click()
            expect(page.locator('.q-dialog').filter(has_text='Ответ клиенту')).to_be_visible()
            _still(page)
            shot('27-reply-dialog-phone')
        finally:
            page.set_viewport_size({'width': 1280, 'height': 720})
            app_stack.python('from lookup import auth, replies, users\nfrom lookup.db import session_scope\n'
                             'with session_scope() as s:\n'
                             '    admin = auth.Actor.of(users.find_user(session=s, username="admin"))\n'
                             'replies.set_webhook(admin, "")')  # the other journeys expect no webhook
