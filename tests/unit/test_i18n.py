"""The UI's texts: every id used in ui/ has a text in both catalogs, no catalog entry is left over, the plural
rules hold, the engine's failure details read in the user's language, and no Russian literal bypasses the catalogs."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_python

from lookup.engine.outcomes import Outcome, TagVerification
from models import CaseStatus, Role
from ui import i18n
from ui.failures import failure_detail
from ui.i18n import t, tn, use_language

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted((ROOT / 'ui').rglob('*.py'))
CYRILLIC = re.compile('[А-Яа-яЁё]')


def _used() -> dict[str, tuple[str, str]]:
    """Message id → (function, where) for every t()/tn()/N_() call with a literal id in ui/ (Babel's extractor)."""
    found: dict[str, tuple[str, str]] = {}
    for path in UI_FILES:
        for lineno, funcname, message in _extract(path):
            found.setdefault(message, (funcname, f'{path.relative_to(ROOT)}:{lineno}'))
    return found


def _extract(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, function, message id) per call with a literal id, as Babel's python extractor sees them (an id it
    cannot read, e.g. `t(f'outcome.{code}')`, belongs in `i18n.RUNTIME_FAMILIES`)."""
    with path.open('rb') as f:
        for lineno, funcname, messages, _ in extract_python(f, list(i18n.KEYWORDS), [], {}):
            message = messages if isinstance(messages, str) or messages is None else messages[0]
            if message:
                yield lineno, funcname, message


def _catalog(language: str) -> dict[str, object]:
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in i18n.load_catalog(language) if m.id}


def _runtime_ids() -> set[str]:
    return {prefix + value for prefix, values in i18n.RUNTIME_FAMILIES.items() for value in values}


@pytest.mark.parametrize('language', i18n.LANGUAGES)
def test_every_ui_string_has_a_text_in_both_languages(language: str) -> None:
    catalog = _catalog(language)
    plural_forms = i18n.load_catalog(language).num_plurals
    missing, wrong_kind = [], []
    wanted = dict(_used())
    wanted.update({key: ('t', 'ui/i18n.py RUNTIME_FAMILIES') for key in _runtime_ids()})
    for key, (fn, where) in sorted(wanted.items()):
        entry = catalog.get(key)
        texts = [] if entry is None else list(entry.string) if entry.pluralizable else [entry.string]
        if not texts or not all(s and s.strip() for s in texts):
            missing.append(f'{key} ({where})')
        elif (fn == 'tn') != bool(entry.pluralizable) or (entry.pluralizable and len(texts) != plural_forms):
            wrong_kind.append(f'{key} ({where}): {fn}() needs {"a plural" if fn == "tn" else "a singular"} entry')
    assert not missing, f'no {language} text for: ' + ', '.join(missing)
    assert not wrong_kind, '; '.join(wrong_kind)


@pytest.mark.parametrize('language', i18n.LANGUAGES)
def test_no_catalog_entry_is_left_over(language: str) -> None:
    orphans = set(_catalog(language)) - set(_used()) - _runtime_ids()
    assert not orphans, f'{language} catalog entries that no UI code uses: {sorted(orphans)}'


def test_both_catalogs_have_the_same_placeholders() -> None:
    def fields(entry) -> set[str]:  # noqa: ANN001
        texts = list(entry.string) if entry.pluralizable else [entry.string]
        return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    ru, en = _catalog('ru'), _catalog('en')
    differ = {key: (fields(ru[key]), fields(en[key])) for key in ru if key in en and fields(ru[key]) != fields(en[key])}
    assert not differ


def test_runtime_ids_cover_the_domain() -> None:
    """Ids built at run time come from enums and error codes: each value must be listed (hence translated)."""
    families = i18n.RUNTIME_FAMILIES
    assert set(families['outcome.']) == {o.value for o in Outcome}
    assert set(families['status.']) == {s.value for s in CaseStatus}
    assert set(families['tag.']) == {v.value for v in TagVerification} - {'NO_TAG'}
    assert set(families['role.']) == {r.value for r in Role}
    from lookup import batches, service, site_health
    from models.batches import ItemState
    assert set(families['state.']) == {s.value for s in ItemState} - {'submitted'}  # a submitted line shows its case
    assert set(families['alarm.']) == set(site_health.SIGNALS)
    assert set(families['export.']) == {k for k, _ in [*batches.COLUMNS, *service.CACHE_COLUMNS]}
    raised = set()
    for path in (ROOT / 'lookup' / 'users.py', ROOT / 'lookup' / 'engine' / 'identifiers.py'):
        source = path.read_text()
        raised |= set(re.findall(r"InvalidUserInput\('([A-Z_]+)'", source))
        raised |= set(re.findall(r"code='([A-Z_]+)'", source))
    assert raised and raised <= set(families['err.'])


@pytest.mark.parametrize(('n', 'ru', 'en'), [
    pytest.param(1, 'Сбросить 1 запись кэша?', 'Invalidate 1 cache row?', id='1'),
    pytest.param(2, 'Сбросить 2 записи кэша?', 'Invalidate 2 cache rows?', id='2'),
    pytest.param(5, 'Сбросить 5 записей кэша?', 'Invalidate 5 cache rows?', id='5'),
    pytest.param(11, 'Сбросить 11 записей кэша?', 'Invalidate 11 cache rows?', id='11'),
    pytest.param(21, 'Сбросить 21 запись кэша?', 'Invalidate 21 cache rows?', id='21'),
    pytest.param(22, 'Сбросить 22 записи кэша?', 'Invalidate 22 cache rows?', id='22'),
    pytest.param(112, 'Сбросить 112 записей кэша?', 'Invalidate 112 cache rows?', id='112'),
])
def test_plurals_follow_each_languages_rules(n: int, ru: str, en: str) -> None:
    assert tn('cache.confirm', n) == ru
    with use_language('en'):
        assert tn('cache.confirm', n) == en


def test_russian_is_the_default_and_unknown_ids_show_themselves() -> None:
    assert t('nav.cache') == 'Кэш'
    with use_language('en'):
        assert t('nav.cache') == 'Cache'
        assert t('role.manager') == 'manager'
    assert t('role.manager') == 'менеджер'
    assert i18n.channel_label('whatsapp') == 'WhatsApp' and i18n.channel_label('carrier-pigeon') == 'carrier-pigeon'
    assert t('no.such.id') == 'no.such.id'


@pytest.mark.parametrize(('message', 'ru', 'en'), [
    pytest.param('HTTP 500 on the search page', 'Сайт ответил ошибкой HTTP 500 на странице поиска',
                 'The site answered HTTP 500 on the search page', id='http-search'),
    pytest.param('HTTP 503 on the fallback site', 'Запасной сайт ответил ошибкой HTTP 503',
                 'The fallback site answered HTTP 503', id='http-fallback'),
    pytest.param('timed out waiting for wait:vehicle', 'Не дождались данных автомобиля',
                 'Gave up waiting for the vehicle data', id='waiting-vehicle'),
    pytest.param('deadline of 45 s passed while waiting for click:gearbox', 'За 45 с не дождались кнопки или раздела '
                 'на сайте', 'Waited 45 s for a control on the site: the deadline passed', id='deadline-click'),
    pytest.param('timed out waiting for the page', 'Не дождались страницы сайта', 'Gave up waiting for the page of '
                 'the site', id='waiting-page'),
    pytest.param('captcha or challenge page', 'Сайт показал капчу или проверку',
                 'The site showed a captcha or a challenge page', id='captcha'),
    pytest.param('browser crashed: Target closed', 'Браузер аварийно завершился во время поиска',
                 'The browser crashed during the lookup', id='crash'),
    pytest.param('The lookup did not finish in time on several attempts.',
                 'Поиск не завершился вовремя за несколько попыток',
                 'The lookup did not finish in time on several attempts', id='recovery-gave-up'),
    pytest.param('KeyError: something new', None, None, id='unknown-form'),
])
def test_engine_failure_details_read_in_the_users_language(message: str, ru: str | None, en: str | None) -> None:
    assert failure_detail(message) == ru
    with use_language('en'):
        assert failure_detail(message) == en


def test_the_engine_still_writes_the_details_the_ui_reads() -> None:
    """The forms read by ui/failures.py, at their source (a reworded engine message would fall back silently)."""
    engine = (ROOT / 'lookup' / 'engine').rglob('*.py')
    source = '\n'.join(p.read_text() for p in engine)
    for form in ("f'HTTP {status} on {where}'", "where='the search page'", "where='the fallback site'",
                 "f'timed out waiting for {run.waiting_for", "while waiting for {run.waiting_for",
                 "'captcha or challenge page'", "'the site shows an error screen'", "f'browser crashed:",
                 "'wait:vehicle'"):
        assert form in source, form


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    for node in ast.walk(tree):  # attribute docstrings: a string statement right after an assignment
        for body in (getattr(node, 'body', None), getattr(node, 'orelse', None)):
            if isinstance(body, list):
                for before, after in zip(body, body[1:], strict=False):
                    if isinstance(before, (ast.Assign, ast.AnnAssign)) and isinstance(after, ast.Expr) \
                            and isinstance(after.value, ast.Constant):
                        ids.add(id(after.value))
    return ids


def test_no_russian_literal_outside_the_catalogs() -> None:
    """Russian text shown by the UI comes from the catalogs (docstrings and comments may speak Russian)."""
    found = []
    for path in UI_FILES:
        tree = ast.parse(path.read_text(), str(path))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and CYRILLIC.search(node.value):
                found.append(f'{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}')
    assert not found, 'Russian literals in ui/ (put them in ui/locales, see docs/i18n.md):\n' + '\n'.join(found)
