"""Pure parsing of the four parts-view layouts (site-anatomy §5) and the assembly choice (§6)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lookup.engine.result import OemCandidate
from lookup.engine.sites.podzamenu import codes
from lookup.engine.sites.podzamenu import selectors as S

OEM_LOOK_RE = re.compile(r'^(?=.*\d{3})[A-Z0-9][A-Z0-9-]{4,14}$')


@dataclass
class PartsInfo:
    """Candidates read from one parts view, in page order."""

    layout: str | None = None
    """`detail-cells`, `part-links`, `html-table`, `dom-table` or None when nothing was read."""
    raw: list[OemCandidate] = field(default_factory=list)
    """Every number read, valid or not, in page order."""
    model_hint: str | None = None
    marking: str | None = None
    selectors_used: list[str] = field(default_factory=list)

    @property
    def valid(self) -> list[OemCandidate]:
        seen: set[str] = set()
        out = []
        for c in self.raw:
            if codes.is_valid_oem(c.oem) and c.oem not in seen:
                seen.add(c.oem)
                out.append(c)
        return out

    @property
    def factory_codes(self) -> list[str]:
        return [c.oem for c in self.raw if not codes.is_valid_oem(c.oem) and codes.is_factory_code(c.oem)]


def _name(*parts: Any) -> str | None:
    for p in parts:
        text = ' '.join(p) if isinstance(p, list) else p
        if text and text.strip():
            return text.strip()
    return None


def _is_code(text: str, oem: str) -> bool:
    """The OEM itself again (a code column, the link text), or a hotspot number like `1`: not a name."""
    return re.sub(r'\s+', '', text).upper() == oem or len(text.strip()) <= 3


def _other(lines: list[str] | None, oem: str) -> list[str]:
    """Row text lines without the OEM repeated in them (`4500026099 АКПП` → `АКПП`)."""
    out = []
    for line in lines or []:
        line = ' '.join(w for w in line.split() if w.upper() != oem)
        if not _is_code(line, oem):
            out.append(line)
    return out


def _from_details(snap: dict[str, Any]) -> list[OemCandidate]:
    out = []
    for d in snap.get('details', []):
        oem = codes.oem_from_href(d.get('href')) or re.sub(r'\s+', '', d.get('link_text') or '').upper()
        if oem:
            # The row's own text is the part name; vehicleCells are applicability (body code, region, date).
            out.append(OemCandidate(oem=oem, name=_name(_other(d.get('other'), oem), d.get('cells'),
                                                        d.get('link_text'))))
    return out


def _link_name(a: dict[str, Any], oem: str) -> str | None:
    """The link's own text when it names the part (`<a>АКПП в сборе</a> <span>4500026021</span>`), else the rest of
    its row (`<a>4500026021</a> <span>АКПП в сборе</span>`); a generic action («Подробнее») names nothing."""
    text = (a.get('text') or '').strip()
    if _is_code(text, oem) or text.lower().rstrip('.…> →') in S.GENERIC_LINK_TEXTS:
        text = ''
    return _name(text, _other(a.get('other'), oem))


def _from_links(snap: dict[str, Any]) -> list[OemCandidate]:
    by_oem: dict[str, OemCandidate] = {}
    for a in snap.get('links', []):
        oem = codes.oem_from_href(a.get('href'))
        if not oem:
            continue
        name = _link_name(a, oem)
        if oem not in by_oem:
            by_oem[oem] = OemCandidate(oem=oem, name=name)
        elif by_oem[oem].name is None and name:
            by_oem[oem].name = name  # keep the first position, take the name from a later duplicate
    return list(by_oem.values())


def _oem_header(label: str, *, exact_only: bool) -> bool:
    if label in S.OEM_HEADERS_EXACT:
        return True
    if exact_only:
        return False
    if any(h in label for h in S.OEM_HEADERS_EXACT):
        return True
    return any(h in label for h in S.OEM_HEADERS_LOOSE) and not any(v in label for v in S.OEM_HEADER_VETO)


def _name_header(label: str, *, exact_only: bool) -> bool:
    return label in S.NAME_HEADERS if exact_only else any(h in label for h in S.NAME_HEADERS)


def table_candidates(table: dict[str, Any]) -> tuple[str, list[OemCandidate]] | None:
    rows = [r for r in table['rows'] if r]
    if len(rows) < 2:
        return None
    header = rows[0]
    # Sort icons and other symbols ride along in MUI header cells (`Номер детали↕`).
    labels = [re.sub(r'\s+', ' ', re.sub(r'[^\w\s/№&-]', ' ', c['text'])).strip().lower() for c in header]
    nested = any(c.get('nested') for c in header)
    kind = 'dom-table' if nested else 'html-table'
    oem_col = next((i for i, lab in enumerate(labels) if _oem_header(lab, exact_only=nested)), None)
    name_col = next((i for i, lab in enumerate(labels) if i != oem_col and _name_header(lab, exact_only=nested)), None)
    body = rows[1:]
    if oem_col is None or (name_col is None and len(labels) != 2):
        # No usable header: a column in which at least two cells look like OEM numbers (§5.4).
        for i in range(max(len(r) for r in rows)):
            looks = sum(1 for r in rows if i < len(r) and OEM_LOOK_RE.match(re.sub(r'\s+', '', r[i]['text'])))
            if looks >= 2:
                oem_col, name_col, body, kind = i, None, rows, 'dom-table'
                break
        else:
            return None
    out = []
    for r in body:
        if oem_col >= len(r):
            continue
        text = r[oem_col]['text'].strip()
        # Plain HTML tables keep spaces (Mercedes `A 204 270 84 04`); MUI tables lose them.
        oem = text.upper() if kind == 'html-table' else re.sub(r'\s+', '', text).upper()
        if not oem:
            continue
        name = r[name_col]['text'].strip() if name_col is not None and name_col < len(r) else None
        if name is None and len(r) == 2:
            name = r[1 - oem_col]['text'].strip() or None
        out.append(OemCandidate(oem=oem, name=name))
    return (kind, out) if out else None


def parse_parts(snap: dict[str, Any], *, skip_tables: set[str] | None = None) -> PartsInfo:
    """Read candidates from a parts view; `skip_tables` are signatures of vehicle-info tables still in the DOM."""
    info = PartsInfo()
    skip = skip_tables or set()
    details = _from_details(snap)
    if details:
        info.layout, info.raw = 'detail-cells', details
    else:
        for table in snap.get('tables', []):
            sig = '|'.join(c['text'] for c in table['rows'][0]) if table.get('rows') else ''
            if sig in skip:
                continue
            found = table_candidates(table)
            if found:
                info.layout, info.raw = found
                break
    if not info.raw:
        links = _from_links(snap)
        if links:
            info.layout, info.raw = 'part-links', links
    if info.layout:
        info.selectors_used.append(f'parts:{info.layout}({len(info.raw)})')
    for h in snap.get('headings', []):
        hint = codes.bracket_hint(h['text'])
        if hint:
            info.model_hint = hint
            info.selectors_used.append(f'heading-hint:{hint}')
            break
    # vehicleCells are applicability (body/chassis code, region, date: `GF2W`, `ZSA44L`), never a gearbox
    # model, so unlike the older scraper they give no model hint.
    info.marking = codes.marking(snap.get('text', ''))
    return info


def _has(name: str | None, words: tuple[str, ...]) -> bool:
    low = (name or '').lower()
    return any(w in low for w in words)


def choose(candidates: list[OemCandidate]) -> tuple[OemCandidate | None, list[OemCandidate], str]:
    """Pick the assembly OEM by the §6 word lists; page order breaks ties. Returns (chosen, ranked top 10, reason)."""
    pool = candidates[:S.MAX_CANDIDATES]

    def rank(c: OemCandidate) -> int:
        if _has(c.name, S.EXCLUDE_WORDS):
            return 3
        if _has(c.name, S.INCLUDE_WORDS):
            return 0 if _has(c.name, S.PRIORITY_WORDS) else 1
        return 2

    ranked = sorted(pool, key=rank)  # stable: page order within a rank
    if not ranked:
        return None, [], 'no valid OEM'
    reasons = {0: 'assembly word', 1: 'gearbox word', 2: 'first valid OEM in page order', 3: 'only excluded names'}
    return ranked[0], ranked, reasons[rank(ranked[0])]
