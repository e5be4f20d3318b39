"""Compare the gearbox plate marking (the tag) with what the lookup found."""

from __future__ import annotations

import re

from lookup.engine.identifiers import LOOKALIKES
from lookup.engine.outcomes import TagVerification
from lookup.engine.result import Gearbox, LookupResult, Variant

MIN_PREFIX = 3


def normalize(value: str | None) -> str:
    """Uppercase, Cyrillic look-alikes to Latin, letters and digits only (`qce(6a)` → `QCE6A`)."""
    return re.sub(r'[^0-9A-ZА-ЯЁ]', '', (value or '').translate(LOOKALIKES).upper())


def _codes_in(raw: str) -> list[str]:
    """Codes inside a description: `(MDG) F17 (CR) ТРАНСМИССИЯ…` → MDG, F17, CR (not plain words)."""
    raw = raw.translate(LOOKALIKES)
    codes = re.findall(r'\(([A-Za-z0-9.]{2,10})\)', raw)
    codes += [t for t in re.findall(r'[A-Za-z0-9.]+', raw) if re.search(r'\d', t) and re.search(r'[A-Za-z]', t)]
    return codes


def verify(tag: str | None, gearbox: Gearbox) -> TagVerification:
    """VERIFIED_MATCH / MISMATCH against model, raw model, factory code and OEMs; UNVERIFIED when nothing to compare.

    A plate often carries more than the code (`KCK 12 03 08`), so a tag that starts with a known code of at least
    three characters matches too.
    """
    wanted = normalize(tag)
    if not wanted:
        return TagVerification.NO_TAG
    values = [gearbox.model, gearbox.raw_model, gearbox.factory_code, gearbox.oem,
              *(c.oem for c in gearbox.oem_candidates)]
    if gearbox.raw_model:
        values += _codes_in(gearbox.raw_model)
    known = {normalize(v) for v in values if v}
    known.discard('')
    if not known:
        return TagVerification.UNVERIFIED
    if wanted in known or any(len(k) >= MIN_PREFIX and wanted.startswith(k) for k in known):
        return TagVerification.VERIFIED_MATCH
    return TagVerification.MISMATCH


def verify_tag(tag: str | None, result: LookupResult) -> TagVerification:
    """`verify` over a whole result (used when a cached result is served for a new tag)."""
    return verify(tag, result.gearbox)


def matching_variants(tag: str | None, variants: list[Variant]) -> list[int]:
    """Indexes of the variants whose gearbox the tag matches (VERIFIED_MATCH by the rules of `verify`)."""
    if not normalize(tag):
        return []
    return [i for i, v in enumerate(variants)
            if verify(tag, Gearbox(model=v.model, raw_model=v.raw_model, factory_code=v.factory_code, oem=v.oem))
            is TagVerification.VERIFIED_MATCH]


def auto_variant(tag: str | None, variants: list[Variant]) -> int | None:
    """The variant a tag selects: the only one it matches; None when it matches none or several (the manager picks)."""
    matches = matching_variants(tag, variants)
    return matches[0] if len(matches) == 1 else None
