"""What one site run hands back to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from lookup.engine.outcomes import Outcome
from lookup.engine.result import Gearbox, Variant, Vehicle


@dataclass
class Answer:
    outcome: Outcome
    vehicle: Vehicle = field(default_factory=Vehicle)
    gearbox: Gearbox = field(default_factory=Gearbox)
    variants: list[Variant] = field(default_factory=list)
    dom_diag: dict[str, int] = field(default_factory=dict)
    text_excerpt: str | None = None
    message: str | None = None
    parse_failed: bool = False
