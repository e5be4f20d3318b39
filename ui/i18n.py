"""UI texts: Russian by default, English on request (remembered per user)."""

from __future__ import annotations

from nicegui import app

RU = {
    'app.title': 'Подзамену · Поиск КПП',
    'nav.conversations': 'Диалоги', 'nav.cache': 'Кэш', 'nav.dashboard': 'Мониторинг', 'nav.users': 'Пользователи',
    'nav.logout': 'Выйти', 'lang.switch': 'English',
    'login.title': 'Вход', 'login.username': 'Логин', 'login.password': 'Пароль', 'login.submit': 'Войти',
    'login.failed': 'Неверный логин или пароль', 'login.throttled': 'Слишком много попыток. Повторите через {s} с',
    'conv.title': 'Диалоги', 'conv.search': 'Поиск: клиент, текст или VIN', 'conv.empty': 'Диалогов нет',
    'conv.customer': 'Клиент', 'conv.last': 'Последнее сообщение', 'conv.when': 'Когда', 'conv.status': 'Поиск',
    'conv.channel': 'Канал', 'conv.needs_clarification': 'Нужно уточнить', 'conv.unread': 'Непрочитанные',
    'conv.filter_status': 'Статус поиска', 'conv.messages': 'Сообщения', 'conv.lookups': 'Поиски',
    'conv.no_lookups': 'Поисков ещё не было. Нажмите «Поиск по VIN».',
    'lookup.button': 'Поиск по VIN', 'lookup.dialog': 'Поиск по VIN или номеру кузова',
    'lookup.value': 'VIN или FRAME', 'lookup.tag': 'Маркировка КПП (необязательно)',
    'lookup.force': 'Не брать из кэша', 'lookup.submit': 'Искать', 'lookup.cancel': 'Отмена',
    'lookup.detected_vin': 'VIN, 17 символов', 'lookup.detected_frame': 'Номер кузова (FRAME)',
    'lookup.lookalikes': 'Кириллица заменена на латиницу', 'lookup.checkdigit':
        'Контрольная цифра не сходится (для машин из Северной Америки это может быть опечатка)',
    'status.pending': 'в очереди', 'status.running': 'выполняется', 'status.completed': 'готово',
    'status.failed': 'ошибка',
    'stage.queued': 'в очереди', 'stage.queue_unavailable': 'очередь недоступна, повторим автоматически',
    'stage.retry_wait': 'повтор после сбоя', 'stage.opening': 'открываем сайт', 'stage.navigating': 'ищем КПП',
    'stage.parsing': 'разбираем страницу', 'stage.fallback': 'запасной сайт',
    'case.queue_pos': 'позиция в очереди: {n}', 'case.elapsed': '{s} с',
    'case.vehicle': 'Автомобиль', 'case.gearbox': 'КПП', 'case.factory_code': 'Заводской код', 'case.oem': 'OEM',
    'case.copy': 'Копировать', 'case.copied': 'Скопировано', 'case.candidates': 'Кандидаты OEM ({n})',
    'case.name': 'Наименование', 'case.source': 'Источник', 'case.duration': 'Время поиска: {s} с',
    'case.from_cache': 'Из кэша, получено {age} назад', 'case.retry': 'Повторить', 'case.refresh': 'Обновить с сайта',
    'case.screenshot': 'Снимок страницы', 'case.attempts': 'попыток: {n}', 'case.tag': 'Маркировка: {tag}',
    'case.no_gearbox': 'КПП на странице не указана', 'case.manual_kpp': 'Попросите клиента прислать маркировку КПП',
    'tag.VERIFIED_MATCH': 'Маркировка совпала', 'tag.MISMATCH': 'Маркировка НЕ совпала',
    'tag.UNVERIFIED': 'Маркировку не с чем сравнить', 'tag.NO_TAG': '',
    'outcome.FOUND': 'Найдено', 'outcome.MODEL_ONLY': 'Только модель КПП', 'outcome.NOT_AVAILABLE':
        'Автомобиль найден, номер КПП недоступен', 'outcome.NOT_FOUND': 'Каталог КПП есть, но OEM не найден',
    'outcome.VEHICLE_NOT_FOUND': 'Сайт не знает этот VIN/номер кузова',
    'outcome.SITE_ERROR': 'Ошибка сайта', 'outcome.TIMEOUT': 'Сайт не ответил вовремя',
    'outcome.BLOCKED': 'Сайт заблокировал запрос (капча)',
    'outcome.BROWSER_UNAVAILABLE': 'Браузер не запускается на сервере',
    'err.EMPTY': 'Введите VIN или номер кузова', 'err.VIN_CHARS': 'VIN состоит только из латинских букв и цифр',
    'err.VIN_LENGTH': 'В VIN 17 символов, а здесь {n}',
    'err.VIN_FORBIDDEN_LETTERS': 'В VIN не бывает букв I, O, Q — проверьте, не цифры ли это 1 или 0',
    'err.FRAME_FORMAT': 'Номер кузова выглядит так: ZZT240-0012345',
    'err.RATE_LIMITED': 'Слишком много поисков за минуту. Повторите через {s} с',
    'err.FORBIDDEN': 'Недостаточно прав', 'err.NOT_FOUND': 'Не найдено', 'err.SITE_BUSY': 'Все браузеры заняты',
    'cache.title': 'Кэш результатов', 'cache.search': 'Поиск: VIN, FRAME, марка, OEM', 'cache.key': 'Идентификатор',
    'cache.make': 'Марка', 'cache.model': 'Модель', 'cache.gearbox': 'КПП', 'cache.oem': 'OEM',
    'cache.outcome': 'Результат', 'cache.fetched': 'Получено', 'cache.expires': 'Истекает', 'cache.ttl': 'Осталось',
    'cache.invalidate': 'Сбросить', 'cache.invalidate_selected': 'Сбросить выбранные ({n})',
    'cache.invalidate_all': 'Сбросить весь кэш', 'cache.confirm': 'Сбросить {n} записей кэша?',
    'cache.confirm_all': 'Сбросить ВЕСЬ кэш? Следующие поиски пойдут на сайт.', 'cache.done': 'Сброшено: {n}',
    'cache.expired': 'истёк', 'cache.ttl_days': '{d} дн {h} ч', 'cache.ttl_hours': '{h} ч {m} мин',
    'cache.refresh': 'Обновить', 'cache.total': 'Всего: {n}', 'yes': 'Да', 'no': 'Нет',
    'toast.completed': 'Поиск {v}: {o}', 'toast.failed': 'Поиск {v} не удался: {o}',
    'users.add': 'Новый пользователь', 'users.create': 'Создать', 'users.tokens': 'API-токены',
    'users.active': 'активен', 'users.inactive': 'отключён', 'users.deactivate': 'Отключить',
    'users.activate': 'Включить', 'users.new_token': 'Выдать токен', 'users.revoke': 'Отозвать',
    'users.revoked': 'отозван', 'users.token_once': 'Скопируйте токен сейчас: он показывается один раз',
    'dash.per_hour': 'Поисков в час (24 ч)', 'dash.queue': 'В очереди', 'dash.active': 'Активные поиски',
    'dash.worker': 'Пульс воркера', 'dash.no_worker': 'нет воркера', 'dash.current': 'Текущий поиск',
    'dash.total': 'Поисков за 24 ч', 'dash.hit_rate': 'Из кэша', 'dash.failures_by_reason': 'Ошибки по причинам',
    'dash.latest_failures': 'Последние ошибки',
    # --- h-ui: empty states, phone menu
    'cache.empty': 'В кэше пока ничего нет',
    'cache.empty_hint': 'Здесь появятся результаты поисков: они хранятся, пока не истечёт срок',
    'conv.empty_hint': 'Здесь появятся диалоги с клиентами из мессенджеров и почты',
    'nav.menu': 'Меню',
    'table.no_match': 'Ничего не найдено', 'table.no_match_hint': 'Измените поиск или снимите фильтры',
    'table.rows_per_page': 'Строк на странице:', 'table.of': 'из',
    'login.tenant_toggle': 'Организация (если имя есть в нескольких)', 'login.tenant': 'Код организации',
    'password.change': 'Сменить пароль', 'password.current': 'Текущий пароль', 'password.new': 'Новый пароль',
    'password.save': 'Сохранить', 'password.changed': 'Пароль изменён; другие сеансы завершены',
    'password.reset': 'Сбросить пароль', 'password.reset_for': 'Новый пароль для {u}',
    'password.reset_done': 'Пароль {u} изменён, все его сеансы завершены',
    'cache.invalidate_tenant': 'Сбросить все наши записи',
    'cache.confirm_tenant': 'Сбросить все записи кэша, которые использовали поиски вашей организации?',
    'err.UNAUTHORIZED': 'Сеанс завершён, войдите снова',
}
EN = {
    'app.title': 'Podzamenu · Gearbox lookup',
    'nav.conversations': 'Conversations', 'nav.cache': 'Cache', 'nav.dashboard': 'Dashboard', 'nav.users': 'Users',
    'nav.logout': 'Log out', 'lang.switch': 'Русский',
    'login.title': 'Log in', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Log in',
    'login.failed': 'Wrong username or password', 'login.throttled': 'Too many attempts. Try again in {s} s',
    'conv.title': 'Conversations', 'conv.search': 'Search: customer, text or VIN', 'conv.empty': 'No conversations',
    'conv.customer': 'Customer', 'conv.last': 'Last message', 'conv.when': 'When', 'conv.status': 'Lookup',
    'conv.channel': 'Channel', 'conv.needs_clarification': 'Needs clarification', 'conv.unread': 'Unread',
    'conv.filter_status': 'Lookup status', 'conv.messages': 'Messages', 'conv.lookups': 'Lookups',
    'conv.no_lookups': 'No lookups yet. Click “Lookup VIN”.',
    'lookup.button': 'Lookup VIN', 'lookup.dialog': 'Look up a VIN or frame number',
    'lookup.value': 'VIN or FRAME', 'lookup.tag': 'Gearbox plate marking (optional)',
    'lookup.force': 'Bypass the cache', 'lookup.submit': 'Look up', 'lookup.cancel': 'Cancel',
    'lookup.detected_vin': 'VIN, 17 characters', 'lookup.detected_frame': 'Frame number',
    'lookup.lookalikes': 'Cyrillic look-alikes converted to Latin',
    'lookup.checkdigit': 'Check digit does not match (a typo, for a North-American car)',
    'status.pending': 'queued', 'status.running': 'running', 'status.completed': 'completed', 'status.failed': 'failed',
    'stage.queued': 'queued', 'stage.queue_unavailable': 'queue unavailable, will retry',
    'stage.retry_wait': 'retrying after a failure', 'stage.opening': 'opening the site',
    'stage.navigating': 'navigating', 'stage.parsing': 'parsing', 'stage.fallback': 'fallback site',
    'case.queue_pos': 'position in queue: {n}', 'case.elapsed': '{s} s',
    'case.vehicle': 'Vehicle', 'case.gearbox': 'Gearbox', 'case.factory_code': 'Factory code', 'case.oem': 'OEM',
    'case.copy': 'Copy', 'case.copied': 'Copied', 'case.candidates': 'OEM candidates ({n})', 'case.name': 'Name',
    'case.source': 'Source', 'case.duration': 'Lookup took {s} s', 'case.from_cache': 'From cache, fetched {age} ago',
    'case.retry': 'Retry', 'case.refresh': 'Refresh from site', 'case.screenshot': 'Page screenshot',
    'case.attempts': 'attempts: {n}', 'case.tag': 'Marking: {tag}', 'case.no_gearbox': 'No gearbox on the page',
    'case.manual_kpp': 'Ask the customer for the gearbox plate marking',
    'tag.VERIFIED_MATCH': 'Marking matches', 'tag.MISMATCH': 'Marking does NOT match',
    'tag.UNVERIFIED': 'Nothing to compare the marking with', 'tag.NO_TAG': '',
    'outcome.FOUND': 'Found', 'outcome.MODEL_ONLY': 'Gearbox model only',
    'outcome.NOT_AVAILABLE': 'Vehicle found, no gearbox part number',
    'outcome.NOT_FOUND': 'Parts list reached, no valid OEM', 'outcome.VEHICLE_NOT_FOUND': 'The site does not know it',
    'outcome.SITE_ERROR': 'Site error', 'outcome.TIMEOUT': 'The site did not answer in time',
    'outcome.BLOCKED': 'Blocked by the site (captcha)',
    'outcome.BROWSER_UNAVAILABLE': 'The browser cannot start on the server',
    'err.EMPTY': 'Enter a VIN or frame number', 'err.VIN_CHARS': 'A VIN has only Latin letters and digits',
    'err.VIN_LENGTH': 'A VIN has 17 characters, this one has {n}',
    'err.VIN_FORBIDDEN_LETTERS': 'A VIN never contains I, O or Q: check for 1 or 0',
    'err.FRAME_FORMAT': 'A frame number looks like ZZT240-0012345',
    'err.RATE_LIMITED': 'Too many lookups this minute. Try again in {s} s',
    'err.FORBIDDEN': 'Not allowed', 'err.NOT_FOUND': 'Not found', 'err.SITE_BUSY': 'All browsers are busy',
    'cache.title': 'Cached results', 'cache.search': 'Search: VIN, frame, make, OEM', 'cache.key': 'Identifier',
    'cache.make': 'Make', 'cache.model': 'Model', 'cache.gearbox': 'Gearbox', 'cache.oem': 'OEM',
    'cache.outcome': 'Outcome', 'cache.fetched': 'Fetched', 'cache.expires': 'Expires', 'cache.ttl': 'TTL left',
    'cache.invalidate': 'Invalidate', 'cache.invalidate_selected': 'Invalidate selected ({n})',
    'cache.invalidate_all': 'Invalidate all', 'cache.confirm': 'Invalidate {n} cache rows?',
    'cache.confirm_all': 'Invalidate the WHOLE cache? Next lookups go to the site.', 'cache.done': 'Invalidated: {n}',
    'cache.expired': 'expired', 'cache.ttl_days': '{d} d {h} h', 'cache.ttl_hours': '{h} h {m} min',
    'cache.refresh': 'Refresh', 'cache.total': 'Total: {n}', 'yes': 'Yes', 'no': 'No',
    'toast.completed': 'Lookup {v}: {o}', 'toast.failed': 'Lookup {v} failed: {o}',
    'users.add': 'New user', 'users.create': 'Create', 'users.tokens': 'API tokens', 'users.active': 'active',
    'users.inactive': 'disabled', 'users.deactivate': 'Disable', 'users.activate': 'Enable',
    'users.new_token': 'Issue token', 'users.revoke': 'Revoke', 'users.revoked': 'revoked',
    'users.token_once': 'Copy the token now: it is shown only once',
    'dash.per_hour': 'Lookups per hour (24 h)', 'dash.queue': 'Queued', 'dash.active': 'Active lookups',
    'dash.worker': 'Worker heartbeat', 'dash.no_worker': 'no worker', 'dash.current': 'Current lookup',
    'dash.total': 'Lookups in 24 h', 'dash.hit_rate': 'Cache hit rate', 'dash.failures_by_reason':
        'Failures by reason', 'dash.latest_failures': 'Latest failures',
    # --- h-ui: empty states, phone menu
    'cache.empty': 'Nothing in the cache yet',
    'cache.empty_hint': 'Lookup results appear here and are kept until they expire',
    'conv.empty_hint': 'Conversations with customers from messengers and email appear here',
    'nav.menu': 'Menu',
    'table.no_match': 'Nothing matches', 'table.no_match_hint': 'Change the search or clear the filters',
    'table.rows_per_page': 'Rows per page:', 'table.of': 'of',
    'login.tenant_toggle': 'Organisation (if your name is used in several)', 'login.tenant': 'Organisation code',
    'password.change': 'Change password', 'password.current': 'Current password', 'password.new': 'New password',
    'password.save': 'Save', 'password.changed': 'Password changed; your other sessions have ended',
    'password.reset': 'Reset password', 'password.reset_for': 'New password for {u}',
    'password.reset_done': 'Password of {u} changed; all their sessions have ended',
    'cache.invalidate_tenant': 'Invalidate all our rows',
    'cache.confirm_tenant': 'Invalidate every cache row your organisation\'s lookups used?',
    'err.UNAUTHORIZED': 'Your session has ended; log in again',
}
# Issue 10 (scale): what a running lookup waits for, the site breaker, the dashboard's site tile.
RU.update({
    'wait.opening': 'открываем сайт: ждём ответа podzamenu.ru (не дольше {s} с)',
    'wait.navigating': 'ищем КПП: ждём каталог автомобиля на сайте (не дольше {s} с)',
    'wait.parsing': 'разбираем страницу: ждём данные автомобиля (не дольше {s} с)',
    'wait.fallback': 'запасной сайт: ждём ответа китайавто.рус (не дольше {s} с)',
    'stage.site_paused': 'сайт недоступен, повтор в {time}',
    'dash.site': 'Сайт {site}', 'dash.site_closed': 'работает', 'dash.site_open': 'пауза до {time}',
    'dash.site_probing': 'пробный поиск',
})
EN.update({
    'wait.opening': 'opening the site: waiting for podzamenu.ru to answer (at most {s} s)',
    'wait.navigating': 'finding the gearbox: waiting for the vehicle catalogue (at most {s} s)',
    'wait.parsing': 'reading the page: waiting for the vehicle data (at most {s} s)',
    'wait.fallback': 'fallback site: waiting for китайавто.рус to answer (at most {s} s)',
    'stage.site_paused': 'site unavailable, retry at {time}',
    'dash.site': 'Site {site}', 'dash.site_closed': 'working', 'dash.site_open': 'paused until {time}',
    'dash.site_probing': 'probe lookup',
})
LANGS = {'ru': RU, 'en': EN}


def lang() -> str:
    try:
        return app.storage.user.get('lang', 'ru')
    except RuntimeError:  # outside a UI context (tests, background)
        return 'ru'


def t(key: str, **kw: object) -> str:
    table = LANGS.get(lang(), RU)
    text = table.get(key) or RU.get(key) or key
    return text.format(**kw) if kw else text


def error_text(code: str | None, message: str | None = None, **kw: object) -> str:
    """A domain error in the user's language; falls back to the service's message."""
    key = f'err.{code}'
    if code and key in RU:
        try:
            return t(key, **kw)
        except KeyError:
            pass
    return message or code or ''
