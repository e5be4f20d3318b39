"""Pure parsing of the fallback site's VIN answer (site-anatomy §7) from a DOM snapshot."""

from __future__ import annotations

import re
from typing import Any

from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Gearbox, OemCandidate, Vehicle
from lookup.engine.sites.answer import Answer
from lookup.engine.sites.podzamenu import codes
from lookup.engine.sites.podzamenu.parts import choose, table_candidates
from lookup.engine.sites.profrf import selectors as S

FIELD_RE = re.compile(r'(?:^|\n)\s*(' + '|'.join(S.FIELD_LABELS) + r')\s*:\s*([^\n]{1,80})', re.I)


def _vehicle(text: str) -> Vehicle:
    vehicle = Vehicle()
    for m in FIELD_RE.finditer(text):
        fld = S.FIELD_LABELS[m.group(1).lower()]
        if getattr(vehicle, fld) is None:
            setattr(vehicle, fld, m.group(2).strip())
    return vehicle


def _tables(snap: dict[str, Any], lo: int = -1, hi: int = 1 << 30) -> list[OemCandidate]:
    out: list[OemCandidate] = []
    for table in snap.get('tables', []):
        if lo < table['pos'] < hi:
            found = table_candidates(table)
            if found:
                out.extend(found[1])
    return out


def _valid(cands: list[OemCandidate]) -> list[OemCandidate]:
    seen: set[str] = set()
    out = []
    for c in cands:
        oem = re.sub(r'\s+', '', c.oem).upper()
        if codes.is_valid_oem(oem) and oem not in seen:
            seen.add(oem)
            out.append(c.model_copy(update={'oem': oem}))
    return out


def parse_answer(snap: dict[str, Any]) -> Answer:
    """Heading «Коробка передач <OEM>» → Оригинал/Аналоги/Копии blocks → any OEM table (§7), else not found."""
    text = snap.get('text', '')
    counts = snap.get('counts', {})
    if any(p in text.lower() for p in S.NOT_FOUND_PHRASES):
        return Answer(Outcome.VEHICLE_NOT_FOUND, dom_diag=counts, text_excerpt=text[:600],
                      message='the fallback site does not know the VIN')
    vehicle = _vehicle(text)
    headings = sorted(snap.get('headings', []), key=lambda h: h['pos'])
    gb = Gearbox()
    for h in headings:
        m = S.GEARBOX_HEADING_RE.match(h['text'])
        if m:
            gb.model = gb.raw_model = h['text'].strip()
            table = _valid(_tables(snap, h['pos']))
            head = OemCandidate(oem=m.group(1).upper(), name=h['text'].strip())
            gb.oem, gb.oem_candidates = head.oem, (table or [head])[:10]
            break
    if gb.oem is None:
        blocks = [h for h in headings if h['text'].strip().lower() in S.BLOCK_NAMES]
        for h in blocks:
            if h['text'].strip().lower() != 'оригинал':
                continue
            end = next((x['pos'] for x in headings if x['pos'] > h['pos']), 1 << 30)
            chosen, ranked, _ = choose(_valid(_tables(snap, h['pos'], end)))
            if chosen:
                gb.oem, gb.oem_candidates = chosen.oem, ranked
                gb.model = gb.raw_model = chosen.name
    if gb.oem is None:
        chosen, ranked, _ = choose(_valid(_tables(snap)))
        if chosen:
            gb.oem, gb.oem_candidates = chosen.oem, ranked
    if gb.model is None:
        # The generic model patterns last: an inline «Коробка передач: 7DCT300» / «КПП: …» line (§7, §3.4 step 5).
        # This site gives no factory code, so only the model is kept.
        inline = S.INLINE_GEARBOX_RE.search(text)
        if inline:
            gb.raw_model = inline.group(1).strip()
            gb.model = codes.clean_gearbox(gb.raw_model)[0]
    if gb.oem:
        gb.oem_status = OemStatus.FOUND
        return Answer(Outcome.FOUND, vehicle=vehicle, gearbox=gb, dom_diag=counts)
    if gb.model or vehicle.make or vehicle.model:
        return Answer(Outcome.NOT_AVAILABLE, vehicle=vehicle, gearbox=gb, dom_diag=counts, text_excerpt=text[:600],
                      message='the fallback site shows the car but no gearbox OEM')
    return Answer(Outcome.VEHICLE_NOT_FOUND, dom_diag=counts, text_excerpt=text[:600],
                  message='the fallback site answered with an empty page')
