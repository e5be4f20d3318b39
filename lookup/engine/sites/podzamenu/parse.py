"""Pure parsing of the podzamenu vehicle page (site-anatomy §3) from a DOM snapshot (lookup.engine.sites.dom)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lookup.engine.outcomes import OemStatus
from lookup.engine.result import Gearbox, Vehicle
from lookup.engine.sites.podzamenu import codes
from lookup.engine.sites.podzamenu import selectors as S
from lookup.engine.sites.podzamenu.parts import PartsInfo, choose, parse_parts  # noqa: F401  (re-exported)

TWO_WORD_MAKES = ('LAND ROVER', 'ALFA ROMEO', 'ASTON MARTIN', 'GREAT WALL', 'ROLLS ROYCE', 'ROLLS-ROYCE')
INLINE_KPP_RE = re.compile(r'(?:^|\n)\s*(?:кпп|коробка(?: передач)?|transmission)\s*:\s*([^\n]{2,60})', re.I)
LABEL_LINE_RE = re.compile(r'^[ \t]*([^\n:]{1,40}?)[ \t]*:[ \t]*([^\n]{1,200})$', re.M)
LEGACY_RE = re.compile(r'(?:^|\n)\s*(' + '|'.join(sorted(S.LEGACY_LABELS, key=len, reverse=True)) +
                       r')\s*:\s*([^\n]{1,80})', re.I)


@dataclass
class VehicleInfo:
    """What the vehicle page says, before any gearbox decision."""

    vehicle: Vehicle = field(default_factory=Vehicle)
    kpp: str | None = None
    """The КПП column, verbatim (kppHint)."""
    kpp_model: str | None = None
    """A «Модель КПП» column (top priority)."""
    factory_col: str | None = None
    aggregates: str | None = None
    marking: str | None = None
    inline_kpp: str | None = None
    title: str | None = None
    rows: int = 0
    """Data rows of the horizontal vehicle table (several vehicles may match)."""
    table_signatures: list[str] = field(default_factory=list)
    selectors_used: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        v = self.vehicle
        return bool(v.make or v.model or self.kpp or self.kpp_model or self.aggregates or v.engine or v.year
                    or v.transmission)


def table_signature(table: dict[str, Any]) -> str:
    return '|'.join(c['text'] for c in table['rows'][0]) if table.get('rows') else ''


def _label(text: str) -> str:
    return re.sub(r'\s+', ' ', text).strip().rstrip(':').strip().lower()


def _field_for(label: str, *, horizontal: bool) -> str | None:
    """Map a header (horizontal) or key (key/value) label to a field, per the §3.3 table."""
    if 'модель кпп' in label or 'модель коробки' in label:
        return 'kpp_model'
    if 'заводской номер коробки' in label or 'заводской номер кпп' in label:
        return 'factory_col'
    if 'используемые агрегаты' in label:
        return 'aggregates'
    if 'кпп' in label and (horizontal or not any(w in label for w in ('модель', 'заводской', 'номер'))):
        return 'kpp'
    if (label in S.GEARBOX_LABELS or any(w in label for w in S.GEARBOX_LABEL_WORDS)) and \
            not any(w in label for w in ('заводской', 'номер')):
        return 'kpp'
    if label == 'модель':
        return 'model'
    if label == 'двигатель' or (not horizontal and 'двигатель' in label):
        return 'engine'
    if label == 'год' or ('дата выпуска' in label if horizontal else 'дата' in label):
        return 'year'
    if label == 'кузов':
        return 'body'
    if label in ('марка', 'бренд') or (not horizontal and ('марка' in label or 'бренд' in label)):
        return 'make'
    if label in ('transmission', 'трансмиссия'):
        return 'transmission'
    if label in ('привод', 'drive', 'drivetrain') or 'тип привода' in label:
        return 'drive'
    return None


def _is_horizontal(table: dict[str, Any]) -> bool:
    rows = table['rows']
    if len(rows) < 2:
        return False
    header = [_label(c['text']) for c in rows[0]]
    kinds = {_field_for(h, horizontal=True) for h in header}
    if not kinds & {'kpp', 'kpp_model', 'aggregates', 'model', 'make'}:
        return False
    if table.get('head') or all(c['th'] for c in rows[0]):
        return True
    # A 2-column key/value table also starts with a label in cell 0 (e.g. Модель | ALMERA): not horizontal.
    keyvalue = all(len(r) == 2 for r in rows) and sum(
        1 for r in rows if _field_for(_label(r[0]['text']), horizontal=False)) >= 2
    return not keyvalue


def _put(info: VehicleInfo, fld: str, cell: dict[str, Any], how: str) -> None:
    text = cell['text'].strip()
    if fld == 'aggregates':
        content = cell.get('content') or text
        if content and len(content) > len(info.aggregates or ''):
            info.aggregates = content
            info.selectors_used.append(f'{how}:aggregates')
        return
    if not text:
        return
    if fld in ('kpp', 'kpp_model', 'factory_col'):
        if getattr(info, fld) is None:
            setattr(info, fld, text)
            info.selectors_used.append(f'{how}:{fld}={text[:60]!r}')
        return
    if getattr(info.vehicle, fld) is None:
        setattr(info.vehicle, fld, text)


def _read_tables(info: VehicleInfo, tables: list[dict[str, Any]]) -> None:
    for table in tables:
        rows = table['rows']
        if not rows:
            continue
        if _is_horizontal(table):
            info.table_signatures.append(table_signature(table))
            header = [_label(c['text']) for c in rows[0]]
            data = rows[1]  # only the first vehicle counts when several match
            info.rows = max(info.rows, len(rows) - 1)
            for i, label in enumerate(header):
                fld = _field_for(label, horizontal=True)
                if fld and i < len(data):
                    _put(info, fld, data[i], 'table')
            continue
        used = False
        for row in rows:
            if len(row) >= 2:
                fld = _field_for(_label(row[0]['text']), horizontal=False)
                if fld:
                    _put(info, fld, row[1], 'kv')
                    used = True
        if used:
            info.table_signatures.append(table_signature(table))


def _read_pairs(info: VehicleInfo, pairs: list[dict[str, Any]]) -> None:
    """Label/value pairs outside tables (dl/dt/dd, label/value grids), read like key/value rows."""
    for pair in pairs:
        fld = _field_for(_label(pair['label']), horizontal=False)
        if fld:
            _put(info, fld, {'text': pair['value'], 'content': pair.get('content')}, 'pair')


def _read_lines(info: VehicleInfo, text: str) -> None:
    """«Label: value» lines of the vehicle block (e.g. «Тип коробки передач: JR5123»)."""
    for m in LABEL_LINE_RE.finditer(text):
        fld = _field_for(_label(m.group(1)), horizontal=False)
        if fld:
            _put(info, fld, {'text': m.group(2).strip(), 'content': m.group(2).strip()}, 'line')


def _split_title(text: str) -> tuple[str, str | None]:
    up = text.upper()
    for make in TWO_WORD_MAKES:
        if up.startswith(make + ' ') or up == make:
            return text[:len(make)], text[len(make):].strip() or None
    make, _, model = text.partition(' ')
    return make, model.strip() or None


def _read_title(info: VehicleInfo, headings: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    h6 = [h for h in headings if h['tag'] == 'h6' and not h['acc']]
    for h in h6:
        t = h['text'].replace('\n', ' ').strip()
        if ' / ' in t and 3 <= len(t) <= 60:
            make, _, model = t.partition(' / ')
            info.title = t
            info.selectors_used.append(f'h6-slash:{t!r}')
            return make.strip(), model.strip() or None
    candidates = [(h, 50) for h in h6] + [(h, 50) for h in headings if h['tag'] in ('h1', 'h2', 'h4') and not h['acc']]
    for h, limit in candidates:
        t = h['text'].replace('\n', ' ').strip()
        if not (3 <= len(t) <= limit and re.search(r'[A-Z]{2}', t)):
            continue
        if h['tag'] != 'h6' and any(w in t.lower() for w in S.HEADING_STOPWORDS):
            continue
        info.title = t
        info.selectors_used.append(f'{h["tag"]}-title:{t!r}')
        return _split_title(t)
    return None, None


def parse_vehicle(snap: dict[str, Any]) -> VehicleInfo:
    """Read title, info tables, aggregates, marking and legacy labels from a vehicle-page snapshot."""
    info = VehicleInfo()
    _read_tables(info, snap.get('tables', []))
    _read_pairs(info, snap.get('pairs', []))
    _read_lines(info, snap.get('vehicle_text', ''))
    text = snap.get('text', '')
    if not info.has_data:
        for m in LEGACY_RE.finditer(text):
            fld = S.LEGACY_LABELS[m.group(1).lower()]
            if getattr(info.vehicle, fld) is None:
                setattr(info.vehicle, fld, m.group(2).strip())
                info.selectors_used.append(f'legacy:{m.group(1).lower()}')
    make, model = _read_title(info, snap.get('headings', []))
    if make:
        info.vehicle.make = make.upper() if make.isupper() or len(make) <= 3 else make
    if model and not info.vehicle.model:
        info.vehicle.model = model
    info.marking = codes.marking(text)
    inline = INLINE_KPP_RE.search(text)
    if inline:
        info.inline_kpp = inline.group(1).strip()
    return info


def is_ford(wmi: str, make: str | None) -> bool:
    return wmi in S.FORD_WMIS or (make or '').upper() in ('FORD', 'LAND ROVER', 'JAGUAR')


def gearbox_from_vehicle(info: VehicleInfo, *, wmi: str = '') -> Gearbox:
    """Model and factory code from the vehicle page, in the §3.4 priority order."""
    gb = Gearbox()
    ford = is_ford(wmi, info.vehicle.make)
    sources = [('kpp_model', info.kpp_model), ('kpp', info.kpp), ('transmission', info.vehicle.transmission)]
    for name, raw in sources:
        if not raw:
            continue
        model, factory = codes.clean_gearbox(raw, ford=ford or name == 'transmission' and ' - ' in raw)
        if gb.raw_model is None:
            gb.raw_model = codes.strip_more(raw) if name != 'kpp' else raw.strip()
        if model:
            gb.model, gb.raw_model, gb.factory_code = model, raw.strip(), factory
            info.selectors_used.append(f'gearbox:{name}')
            break
    if gb.model is None and info.aggregates:
        gb.model = codes.aggregate_code(info.aggregates)
        if gb.model:
            gb.raw_model = info.aggregates.strip()[:200]
            info.selectors_used.append('gearbox:aggregates')
    if gb.model is None and info.inline_kpp:
        model, factory = codes.clean_gearbox(info.inline_kpp, ford=ford)
        if model:
            gb.model, gb.raw_model, gb.factory_code = model, info.inline_kpp, factory
            info.selectors_used.append('gearbox:inline')
    if info.factory_col:
        gb.factory_code = info.factory_col.strip()
    if info.marking:
        gb.factory_code = info.marking
    return gb


def model_only(info: VehicleInfo, gb: Gearbox, *, wmi: str, is_vin: bool) -> Gearbox | None:
    """The §3.7 shortcut: VW group or Ford/JLR VIN with a gearbox value on the page, else None (navigate)."""
    if not is_vin:
        return None
    if wmi in S.VW_WMIS and gb.model:
        return gb.model_copy(update={'factory_code': gb.factory_code or gb.model, 'oem_status': OemStatus.MODEL_ONLY})
    if wmi in S.FORD_WMIS:
        for raw in (info.vehicle.transmission, info.kpp_model, info.kpp):
            code = codes.ford_code(codes.strip_more(raw)) if raw else None
            if code:
                return gb.model_copy(update={'model': code, 'factory_code': code, 'raw_model': raw,
                                             'oem_status': OemStatus.MODEL_ONLY})
    return None
