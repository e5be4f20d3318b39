"""A failed lookup's detail in the user's language.

The engine reports an outcome code (SITE_ERROR, TIMEOUT, …, translated as `outcome.<code>`) and an English detail
for logs and support («HTTP 500 on the search page», «timed out waiting for wait:vehicle»). Its forms are few and
written in one place each (lookup/engine/run.py `open_page`, engine.py `_translate`, podzamenu/flow.py); they are
read here, and the card shows the translated sentence with the raw detail kept in a tooltip for support.
"""

from __future__ import annotations

import re

from ui.i18n import N_, t

_HTTP = re.compile(r'HTTP (?P<status>\d{3}) on (?P<where>.+)')
_DEADLINE = re.compile(r'deadline of (?P<s>[\d.]+) s passed while waiting for (?P<step>.+)')
_WAITING = re.compile(r'timed out waiting for (?P<step>.+)')
_FIXED = {
    'captcha or challenge page': N_('fail.captcha'),
    'the site shows an error screen': N_('fail.error_screen'),
    'The lookup did not finish in time on several attempts.': N_('fail.gave_up'),  # lookup/recovery.py
}


def _what(step: str) -> str:
    """What the lookup was waiting for, from the engine's step name (`wait:vehicle`, `click:<name>`, `goto`)."""
    step = step.strip()
    if step == 'wait:vehicle':
        return t('fail.what.vehicle')
    if 'fallback' in step:
        return t('fail.what.fallback')
    if step.startswith('goto'):
        return t('fail.what.site')
    if step.startswith('click:'):
        return t('fail.what.control')
    if step.startswith('wait:'):
        return t('fail.what.catalogue')
    return t('fail.what.page')


def failure_detail(message: str | None) -> str | None:
    """The engine's English detail as a sentence in the user's language; None when its form is unknown."""
    text = (message or '').strip()
    if not text:
        return None
    if key := _FIXED.get(text):
        return t(key)
    if m := _HTTP.fullmatch(text):
        where = m['where']
        if 'search' in where:
            return t('fail.http_search', status=m['status'])
        if 'fallback' in where:
            return t('fail.http_fallback', status=m['status'])
        return t('fail.http', status=m['status'])
    if m := _DEADLINE.fullmatch(text):
        return t('fail.deadline', s=m['s'], what=_what(m['step']))
    if m := _WAITING.fullmatch(text):
        return t('fail.waiting', what=_what(m['step']))
    if text.startswith('browser crashed'):
        return t('fail.browser_crashed')
    if text.startswith('navigation failed'):
        return t('fail.navigation')
    if text.startswith('timeout:'):
        return t('fail.page_timeout')
    return None
