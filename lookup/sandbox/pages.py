"""Turn a scenario's compact `page` data into the JSON the client-side renderer draws (catalogue noise added here)."""

from __future__ import annotations

import hashlib
from typing import Any

from lookup.sandbox.scenarios import Scenario

SLOW_RENDER_MS = 4000
NOISE_PREFIX = 'noise:'
PROFRF_MISSING_TEXT = 'Данный VIN код отсутствует в базе данных'

# Unrelated catalogue groups around the gearbox: a scraper must pick Трансмиссия, not the first accordion.
NOISE_GROUPS_HEAD = [('Двигатель', ['Блок цилиндров в сборе', 'Головка блока цилиндров', 'Поршень'])]
NOISE_GROUPS_TAIL = [('Тормозная система', ['Тормозной диск передний', 'Суппорт тормозной', 'Колодки тормозные']),
                     ('Подвеска', ['Амортизатор передний', 'Рычаг подвески']),
                     ('Кузов', ['Капот', 'Бампер передний'])]
NOISE_SECTIONS_HEAD = [('Двигатель', ['ГОЛОВКА БЛОКА ЦИЛИНДРОВ', 'БЛОК ЦИЛИНДРОВ', 'ПРИВОД ГРМ'])]
NOISE_SECTIONS_TAIL = [('Подвеска', ['ПЕРЕДНЯЯ ПОДВЕСКА', 'ЗАДНЯЯ ПОДВЕСКА']),
                       ('Тормозная система', ['ТОРМОЗНОЙ МЕХАНИЗМ ПЕРЕДНИЙ']),
                       ('Кузов', ['КАПОТ И КРЫЛЬЯ', 'БАМПЕР ПЕРЕДНИЙ'])]
TABS = [{'id': 'groups', 'label': 'Подбор по группам'}, {'id': 'schemes', 'label': 'Схемы узлов'}]


def _noise_item(label: str) -> dict[str, str]:
    return {'label': label, 'key': NOISE_PREFIX + label}


def _group(title: str, labels: list[str], children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {'title': title, 'children': children or [], 'items': [_noise_item(label) for label in labels]}


def _section(label: str, titles: list[str]) -> dict[str, Any]:
    return {'label': label, 'cards': [{'title': t, 'target': {'parts': NOISE_PREFIX + t}} for t in titles]}


def _dead_end_group(spec: dict[str, Any]) -> dict[str, Any]:
    """A Трансмиссия group without any gearbox accordion or item: navigation must give up (NOT_AVAILABLE)."""
    children = [_group('Сцепление', ['Диск сцепления', 'Корзина сцепления', 'Выжимной подшипник']),
                _group('Механизм переключения передач', ['Рычаг переключения передач', 'Трос переключения']),
                _group('Приводные валы', ['Полуось передняя левая', 'ШРУС наружный'])]
    return {'title': spec.get('group', 'Трансмиссия'), 'children': children, 'items': []}


def _transmission_group(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get('dead_end'):
        return _dead_end_group(spec)
    box = spec.get('box', 'Автоматическая коробка передач')
    manual = 'механ' in box.lower()
    box_items = [{'label': spec.get('item', 'Коробка передач в сборе'), 'key': 'gearbox'},
                 _noise_item('Картер коробки передач'), _noise_item('Масло трансмиссионное')]
    children = []
    if spec.get('transfer_case'):
        # A "коробк" summary that is not the gearbox: Level-2 matching must try every match.
        children.append(_group('Раздаточная коробка', ['Раздаточная коробка в сборе', 'Привод раздаточной коробки']))
    children.append({'title': box, 'children': [], 'items': box_items})
    children.append(_group('Сцепление', ['Диск сцепления', 'Корзина сцепления']) if manual
                    else _group('Гидротрансформатор', ['Гидротрансформатор в сборе']))
    children.append(_group('Приводные валы', ['Полуось передняя левая', 'ШРУС наружный']))
    return {'title': spec.get('group', 'Трансмиссия'), 'children': children, 'items': []}


def _card(card: dict[str, Any]) -> dict[str, Any]:
    title = card['title']
    if 'deeper' in card:
        links = [{'label': link['label'], 'key': link.get('parts') or NOISE_PREFIX + link['label']}
                 for link in card['deeper']]
        return {'title': title, 'target': {'deeper': {'title': title, 'links': links}}}
    return {'title': title, 'target': {'parts': card.get('parts') or NOISE_PREFIX + title}}


def _transmission_section(spec: dict[str, Any]) -> dict[str, Any]:
    label = spec.get('section', 'Трансмиссия')
    if spec.get('no_cards'):
        return {'label': label, 'cards': [], 'parts': 'gearbox'}
    return {'label': label, 'cards': [_card(c) for c in spec.get('cards', [])]}


def catalog(spec: dict[str, Any]) -> dict[str, Any]:
    """Tabs, the accordion tree and the scheme sections; `route` says where the gearbox is reachable."""
    route = spec.get('route', 'accordion')
    groups = [_group(t, items) for t, items in NOISE_GROUPS_HEAD]
    if route in ('accordion', 'both'):
        groups.append(_transmission_group(spec))
    groups += [_group(t, items) for t, items in NOISE_GROUPS_TAIL]
    sections = [_section(label, titles) for label, titles in NOISE_SECTIONS_HEAD]
    if route in ('schemes', 'both'):
        sections.append(_transmission_section(spec))
    sections += [_section(label, titles) for label, titles in NOISE_SECTIONS_TAIL]
    return {'tabs': TABS, 'groups': groups, 'sections': sections, 'trusted': bool(spec.get('trusted'))}


def _lazy_catalog(full: dict[str, Any]) -> dict[str, Any]:
    """The catalogue without children: groups and scheme sections are fetched from `/api/catalog` on demand."""
    groups = [{'title': g['title'], 'lazy': True} for g in full['groups']]
    sections = [sec if 'parts' in sec else {'label': sec['label'], 'lazy': True} for sec in full['sections']]
    return {**full, 'groups': groups, 'sections': sections}


def is_lazy(scenario: Scenario, switches: frozenset[str]) -> bool:
    """Lazy children: the `lazy` switch, or a scenario that always loads its catalogue lazily."""
    return 'lazy' in switches or bool((scenario.page.get('catalog') or {}).get('lazy'))


def catalog_part(scenario: Scenario | None, *, group: int | None = None,
                 section: int | None = None) -> dict[str, Any] | None:
    """One lazily loaded piece: a top-level group's `{children, items}` or a scheme section's `{cards}`."""
    if scenario is None or scenario.kind != 'vehicle':
        return None
    full = catalog(scenario.page.get('catalog') or {})
    pieces, index = (full['groups'], group) if group is not None else (full['sections'], section)
    if index is None or not 0 <= index < len(pieces):
        return None
    piece = pieces[index]
    if group is not None:
        return {'children': piece['children'], 'items': piece['items']}
    return {'cards': piece.get('cards', [])}


def _cell(value: Any) -> Any:
    """Table cells are strings, or `{text, more, dialog}` dicts for cells with a «Подробнее» control."""
    return value if isinstance(value, dict) else str(value)


def _pairs(page: dict[str, Any]) -> list[dict[str, Any]]:
    """Label/value pairs shown outside the tables (`dl`, «label: value» lines or an MUI grid), site-anatomy §3.5."""
    return [{'layout': p.get('layout', 'dl'), 'items': [[str(label), str(value)] for label, value in p['items']]}
            for p in page.get('pairs', [])]


def vehicle_page(scenario: Scenario | None, query: str, *, switches: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The data API answer for `/search-vehicle?vin=<query>`; unknown identifiers get the empty app."""
    if scenario is None:
        return {'kind': 'unknown', 'query': query}
    page = scenario.page
    out: dict[str, Any] = {'kind': scenario.kind, 'query': query}
    if scenario.slow:
        out['renderDelayMs'] = SLOW_RENDER_MS
    if scenario.kind == 'not_found':
        out['message'] = page['message']
    if scenario.kind == 'vehicle':
        out['titles'] = page.get('titles', [])
        out['tables'] = [{'layout': t.get('layout', 'horizontal'), 'columns': t.get('columns', []),
                          'rows': [[_cell(c) for c in row] for row in t.get('rows', [])]}
                         for t in page.get('tables', [])]
        out['pairs'] = _pairs(page)
        full = catalog(page.get('catalog') or {})
        out['catalog'] = _lazy_catalog(full) if is_lazy(scenario, switches) else full
    return out


def _noise_parts(label: str) -> dict[str, Any]:
    digest = hashlib.sha1(label.encode()).hexdigest()
    oems = [str(int(digest[i:i + 8], 16))[:10].rjust(10, '1') for i in (0, 8, 16)]
    suffixes = ('', '(ориг.)', '(аналог)')
    rows = [{'oem': oem, 'name': f'{label} {suffix}'.strip()} for oem, suffix in zip(oems, suffixes, strict=True)]
    return {'layout': 'links', 'heading': label, 'rows': rows}


def parts_view(scenario: Scenario | None, key: str) -> dict[str, Any] | None:
    """The parts view a Level-3 item, card or section opens; None when the key does not exist."""
    if key.startswith(NOISE_PREFIX):
        return _noise_parts(key[len(NOISE_PREFIX):])
    views = (scenario.page.get('parts') or {}) if scenario else {}
    view = views.get(key)
    if view is None:
        return None
    rows = [{'oem': str(r['oem']), 'name': r.get('name'), 'cells': [str(c) for c in r.get('cells', [])]}
            for r in view.get('rows', [])]
    return {'layout': view.get('layout', 'detail'), 'heading': view.get('heading'),
            'columns': view.get('columns'), 'rows': rows, 'scheme': bool(view.get('scheme', True))}


def profrf_page(scenario: Scenario | None, query: str) -> dict[str, Any]:
    """The fallback site's data for `/profrf/search?query=<VIN>`: shapes 22(a)-(e)."""
    data = (scenario.profrf if scenario else None) or {'shape': 'missing'}
    out: dict[str, Any] = {'query': query, 'shape': data['shape']}
    if data['shape'] == 'missing':
        out['message'] = PROFRF_MISSING_TEXT
    out.update({k: data[k] for k in ('fields', 'heading', 'rows', 'blocks') if k in data})
    return out
