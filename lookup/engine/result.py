"""The engine's result contract: what the CLI prints, the cache stores and the API returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lookup.engine.outcomes import OemStatus, Outcome, TagVerification


class Vehicle(BaseModel):
    make: str | None = None
    model: str | None = None
    year: str | None = None
    engine: str | None = None
    body: str | None = None
    drive: str | None = None
    transmission: str | None = None


class OemCandidate(BaseModel):
    oem: str
    name: str | None = None


class Gearbox(BaseModel):
    model: str | None = None
    """Clean gearbox code (`KCK`, `F17`, `722.964`, `5MT`) or null."""
    raw_model: str | None = None
    """The text the model was read from, verbatim (may end in «Подробнее»)."""
    factory_code: str | None = None
    oem: str | None = None
    oem_candidates: list[OemCandidate] = Field(default_factory=list)
    oem_status: OemStatus = OemStatus.NOT_AVAILABLE
    needs_manual_kpp_code: bool = False


class Variant(BaseModel):
    """One vehicle row of the site's vehicle table, with its own gearbox (the site may list several for one VIN)."""

    vehicle: Vehicle = Field(default_factory=Vehicle)
    model: str | None = None
    raw_model: str | None = None
    factory_code: str | None = None
    oem: str | None = None
    """Only on the row whose catalogue the navigation reached: the first one (the site opens its catalogue)."""


class Step(BaseModel):
    name: str
    """What was done or waited for, e.g. `goto`, `wait:vehicle`, `click:accordion`."""
    detail: str | None = None
    url: str | None = None
    started_ms: int = 0
    """Offset from the lookup start."""
    duration_ms: int = 0


class Evidence(BaseModel):
    source: str | None = None
    """`podzamenu` or `profrf`."""
    final_url: str | None = None
    steps: list[Step] = Field(default_factory=list)
    duration_ms: int = 0
    selectors_used: list[str] = Field(default_factory=list)
    flags: dict[str, bool] = Field(default_factory=dict)
    dom_diag: dict[str, int] = Field(default_factory=dict)
    sources_tried: list[str] = Field(default_factory=list)
    waiting_for: str | None = None
    """The condition being waited on when the lookup failed."""
    text_excerpt: str | None = None
    screenshot: str | None = None
    """Path (relative to the data dir) of a PNG taken on failure."""
    html_snapshot: str | None = None


class ErrorInfo(BaseModel):
    code: str
    message: str


class LookupResult(BaseModel):
    query: str
    id_type: str
    outcome: Outcome
    vehicle: Vehicle = Field(default_factory=Vehicle)
    gearbox: Gearbox = Field(default_factory=Gearbox)
    variants: list[Variant] = Field(default_factory=list)
    """Every distinct vehicle row when the site shows two or more (empty otherwise); `vehicle`/`gearbox` stay the
    first row's. Which one is the customer's car is for the manager (or an exactly matching tag) to say."""
    tag: str | None = None
    tag_verification: TagVerification = TagVerification.NO_TAG
    evidence: Evidence = Field(default_factory=Evidence)
    error: ErrorInfo | None = None
