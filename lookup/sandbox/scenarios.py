"""Typed access to the sandbox scenarios (`scenarios.yaml`): one synthetic vehicle or failure shape each."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SCENARIOS_FILE = Path(__file__).with_name('scenarios.yaml')

PAGE_KINDS = frozenset({'vehicle', 'unknown', 'not_found', 'error500', 'captcha', 'hang'})
PROFRF_SHAPES = frozenset({'missing', 'heading', 'blocks', 'empty', 'fields'})
PAIR_LAYOUTS = frozenset({'dl', 'lines', 'grid'})


@dataclass(frozen=True)
class Scenario:
    """One entry of scenarios.yaml; `page` and `profrf` drive the renderers, `expect` the engine tests."""

    id: str
    """The VIN/FRAME as a customer would type it (mixed case and hyphens allowed)."""
    id_type: str
    variant: str
    """The site-anatomy §11 row, e.g. `7` or `22b`."""
    note: str
    page: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)
    profrf: dict[str, Any] | None = None
    """The fallback site's answer for this VIN; None means «VIN not in the database» (shape 22a)."""
    tag: str | None = None
    """The gearbox plate marking the engine tests send with the lookup (the sandbox ignores it)."""
    slow: bool = False
    """Renders in ~4 s whatever the configured delay: TIMEOUT only under a shorter deadline."""

    @property
    def key(self) -> str:
        return scenario_key(self.id)

    @property
    def kind(self) -> str:
        return str(self.page.get('kind', 'vehicle'))


def scenario_key(value: str) -> str:
    """The sandbox's own normalisation: case-, space- and hyphen-insensitive, as the real site was observed."""
    return ''.join(value.split()).replace('-', '').upper()


def _parse(entry: dict[str, Any]) -> Scenario:
    scenario = Scenario(
        id=str(entry['id']), id_type=str(entry.get('id_type', 'VIN')), variant=str(entry['variant']),
        note=str(entry.get('note', '')), page=entry.get('page') or {}, expect=entry.get('expect') or {},
        profrf=entry.get('profrf'), tag=entry.get('tag'), slow=bool(entry.get('slow', False)))
    if scenario.kind not in PAGE_KINDS:
        raise ValueError(f'{scenario.id}: unknown page kind {scenario.kind!r}')
    for pairs in scenario.page.get('pairs', []):
        if pairs.get('layout', 'dl') not in PAIR_LAYOUTS or any(len(item) != 2 for item in pairs['items']):
            raise ValueError(f'{scenario.id}: pairs need a layout in {sorted(PAIR_LAYOUTS)} and [label, value] items')
    if scenario.profrf and scenario.profrf.get('shape') not in PROFRF_SHAPES:
        raise ValueError(f'{scenario.id}: unknown profrf shape {scenario.profrf.get("shape")!r}')
    return scenario


def load_scenarios(path: Path = SCENARIOS_FILE) -> list[Scenario]:
    """Parse and validate the YAML file; raises ValueError on duplicates or unknown shapes."""
    entries = yaml.safe_load(path.read_text(encoding='utf-8'))['scenarios']
    scenarios = [_parse(entry) for entry in entries]
    keys = [s.key for s in scenarios]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f'duplicate scenario ids: {sorted(duplicates)}')
    return scenarios


@lru_cache(maxsize=1)
def _index() -> dict[str, Scenario]:
    return {s.key: s for s in load_scenarios()}


def get_scenario(value: str) -> Scenario | None:
    """The scenario for a VIN/FRAME as sent to the site, or None (the site does not know it)."""
    return _index().get(scenario_key(value))
