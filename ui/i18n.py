"""UI texts: gettext catalogs (Babel), Russian by default, English on request (remembered per user).

Message ids are symbolic keys (`t('cache.title')`); the texts live in `ui/locales/<lang>/LC_MESSAGES/messages.po`.
The `.po` files are the only source: they are compiled into memory when this module is imported (Babel's
`read_po` + `write_mo`, a few milliseconds), so there is no build step and no committed `.mo` to go stale.
How to add a string: docs/i18n.md.
"""

from __future__ import annotations

import contextlib
import gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import quote

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from nicegui import app, context

LOCALES = Path(__file__).resolve().parent / 'locales'
LANGUAGES = ('ru', 'en')
DEFAULT = 'ru'
QUASAR_PACKS = {'ru': 'ru', 'en': 'en-US'}
"""Quasar's language pack per UI language (files under nicegui/static/lang/): table footers, «Нет данных»."""
KEYWORDS = {'t': (1,), 'tn': (1,), 'N_': (1,)}
"""For Babel's extractor (`babel.messages.extract`): the message id is the first argument of each."""
RUNTIME_FAMILIES: dict[str, tuple[str, ...]] = {
    'outcome.': ('FOUND', 'MODEL_ONLY', 'NOT_AVAILABLE', 'NOT_FOUND', 'VEHICLE_NOT_FOUND', 'SITE_ERROR', 'TIMEOUT',
                 'BLOCKED', 'BROWSER_UNAVAILABLE'),
    'status.': ('pending', 'running', 'completed', 'failed'),
    'stage.': ('queued', 'queue_unavailable', 'retry_wait', 'opening', 'navigating', 'parsing', 'fallback',
               'site_paused'),
    'wait.': ('opening', 'navigating', 'parsing', 'fallback'),
    'tag.': ('VERIFIED_MATCH', 'MISMATCH', 'UNVERIFIED'),
    'role.': ('admin', 'manager', 'viewer'),
    'channel.': ('telegram', 'whatsapp', 'viber', 'vk', 'avito', 'email', 'sms', 'manual', 'api'),
    'dash.site_': ('closed', 'open', 'probing'),
    'alarm.': ('dead_end', 'parse_fallback', 'selector_fallback'),
    'state.': ('invalid', 'waiting', 'cancelled'),
    'export.': ('line', 'raw', 'value', 'id_type', 'tag', 'state', 'outcome', 'make', 'model', 'year', 'gearbox_model',
                'factory_code', 'oem', 'tag_verification', 'from_cache', 'error_code', 'error', 'case_id',
                'finished_at', 'key', 'source', 'fetched_at', 'expires_at'),
    'err.': ('EMPTY', 'VIN_CHARS', 'VIN_LENGTH', 'VIN_FORBIDDEN_LETTERS', 'FRAME_FORMAT', 'RATE_LIMITED', 'FORBIDDEN',
             'NOT_FOUND', 'SITE_BUSY', 'UNAUTHORIZED', 'USERNAME_FORMAT', 'ROLE_UNKNOWN', 'USERNAME_TAKEN',
             'PASSWORD_SHORT', 'PASSWORD_LONG', 'PASSWORD_WRONG', 'OWN_ROLE', 'DEACTIVATE_SELF', 'TOKEN_INACTIVE',
             'DUPLICATE', 'NO_VALID_LINES', 'EMPTY_BATCH', 'TOO_MANY_LINES', 'TOO_LONG', 'NOT_TEXT',
             'NO_SUCH_VARIANT',
             # issue 12: replies (lookup/replies.py, lookup/templates.py)
             'TEMPLATE_EMPTY', 'TEMPLATE_TOO_LONG', 'TEMPLATE_SYNTAX', 'TEMPLATE_PLACEHOLDER', 'WEBHOOK_URL',
             'REPLY_EMPTY', 'REPLY_TOO_LONG', 'LOOKUP_NOT_FINISHED', 'DELIVERY_NOT_FAILED'),
    # issue 12: replies/same-unit/history
    'kind.': ('found', 'model_only', 'need_plate', 'not_found', 'site_unavailable'),
    'delivery.': ('pending', 'delivered', 'failed'),
    'same.by_': ('oem', 'gearbox'),
    'field.': ('outcome', 'oem', 'gearbox', 'factory_code', 'make', 'model'),
}
"""Ids built at run time (`t(f'outcome.{code}')`), which the extractor cannot see: prefix → the values it takes.
tests/unit/test_i18n.py checks them against the domain's enums and error codes."""

_forced: ContextVar[str | None] = ContextVar('ui_language', default=None)


def load_catalog(language: str) -> Catalog:
    with (LOCALES / language / 'LC_MESSAGES' / 'messages.po').open('rb') as f:
        return read_po(f, locale=language)


def _compile(language: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(language))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


TRANSLATIONS = {code: _compile(code) for code in LANGUAGES}


def N_(key: str) -> str:
    """Mark a message id that is translated later with `t(key)` (gettext's convention, for the extractor)."""
    return key


def lang() -> str:
    """The language of this page's user ('ru' outside a UI context)."""
    forced = _forced.get()
    if forced:
        return forced
    try:
        code = app.storage.user.get('lang', DEFAULT)
    except RuntimeError:  # no request: a push re-rendering part of a page, or outside any UI (tests, background)
        code = _page_locale()
    return code if code in TRANSLATIONS else DEFAULT


def _page_locale() -> str:
    """The language of the page whose slot is current (its user as the page was built), else the default.

    A case-changed push runs in the page's slot but outside any request, where `app.storage.user` is unavailable:
    without this, a pushed card of an English page came out in Russian."""
    try:
        actor = getattr(context.client.request.state, 'actor', None)
    except (RuntimeError, AttributeError):  # no slot, or a client without a request
        return DEFAULT
    return getattr(actor, 'locale', DEFAULT)


@contextlib.contextmanager
def use_language(code: str) -> Iterator[None]:
    """Texts in `code` inside the block, whoever asks (tests, texts prepared outside a page)."""
    token = _forced.set(code)
    try:
        yield
    finally:
        _forced.reset(token)


def has(key: str) -> bool:
    """Whether the catalog has a text for this id (for ids built at run time, e.g. `outcome.<code>`)."""
    return TRANSLATIONS[DEFAULT].gettext(key) != key


def t(key: str, **kw: object) -> str:
    """The text of `key` in the user's language, `str.format`-ed with `kw` (the id itself when unknown)."""
    text = TRANSLATIONS[lang()].gettext(key)
    return text.format(**kw) if kw else text


def tn(key: str, n: int, **kw: object) -> str:
    """A text with a count: the plural form for `n` by the language's rules (1 запись, 2 записи, 5 записей);
    `{n}` in the text is `n`."""
    return TRANSLATIONS[lang()].ngettext(key, key, n).format(n=n, **kw)


def error_text(code: str | None, message: str | None = None, **kw: object) -> str:
    """A domain error in the user's language; falls back to the service's message."""
    key = f'err.{code}'
    if code and has(key):
        try:
            return t(key, **kw)
        except KeyError:
            pass
    return message or code or ''


def exception_text(exc: Exception) -> str:
    """A refused action's error (a domain error, or bad input with a `code`) in the user's language."""
    return error_text(getattr(exc, 'code', None), str(exc), **getattr(exc, 'params', {}))


def role_label(role: str) -> str:
    return t(f'role.{role}') if has(f'role.{role}') else role


def channel_label(channel: str) -> str:
    """«telegram» → «Telegram»; a channel without a text of its own is shown as it is."""
    return t(f'channel.{channel}') if has(f'channel.{channel}') else channel


def quasar_language() -> None:
    """Quasar's language pack for this page's user (call while building a page): NiceGUI loads the app-wide pack
    (`ui.run(language='ru')`); an English page also loads the English one, and `install()`'s start-up script
    picks the pack named in the page's `<meta name="quasar-lang">`."""
    from nicegui import __version__, context, ui
    pack = QUASAR_PACKS[lang()]
    ui.add_head_html(f'<meta name="quasar-lang" content="{pack}">')
    if pack != QUASAR_PACKS[DEFAULT]:
        # In the body: it runs after quasar.umd.js and the app-wide pack (deferred scripts keep document order),
        # before NiceGUI's start-up module script.
        request = context.client.request
        prefix = quote(request.headers.get('X-Forwarded-Prefix', ''), safe="/:@!$&'()*+,;=%") \
            + request.scope.get('root_path', '')  # as NiceGUI builds its own asset URLs
        ui.add_body_html(f'<script defer src="{prefix}/_nicegui/{__version__}/static/lang/{pack}.umd.prod.js">'
                         '</script>')


_QUASAR_SET = "Quasar.lang.set(Quasar.lang[language.replace('-', '')]);"
_QUASAR_SET_PER_PAGE = ("Quasar.lang.set(Quasar.lang[(document.querySelector('meta[name=quasar-lang]')?.content"
                        " || language).replace('-', '')] || Quasar.lang[language.replace('-', '')]);")


def install() -> None:
    """Called once by the composition root: NiceGUI's start-up script takes the page's Quasar pack."""
    script = app.config.vue_config_script
    if _QUASAR_SET_PER_PAGE in script:
        return
    if _QUASAR_SET not in script:  # a NiceGUI upgrade changed its start-up script: say so at start, not in a page
        raise RuntimeError('NiceGUI start-up script has no Quasar.lang.set line; update ui/i18n.install()')
    app.config.vue_config_script = script.replace(_QUASAR_SET, _QUASAR_SET_PER_PAGE)
