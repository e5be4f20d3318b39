"""Rendering switches: independent behaviours of real React/MUI apps the sandbox can add, and named presets.

Each switch makes the replica harsher than a well-behaved page in one way (docs/contracts.md, «Sandbox modes»):
- `rebuild`     every state change re-creates the vehicle block and the catalogue from state (no node survives);
- `lazy`        accordion children and scheme cards are fetched on first expand / click, behind their own spinner;
- `case`        labels are mixed case in the DOM and uppercased by CSS `text-transform`;
- `labels`      labels carry non-breaking spaces and line breaks, some summaries split over two spans;
- `zero_height` collapsed accordion content is only `height:0; overflow:hidden` (no `visibility:hidden`);
- `trusted`     every control reacts only to trusted pointer input (`event.isTrusted`);
- `pushstate`   opening a parts view changes the URL with `history.pushState`; «Назад»/browser back return.
"""

from __future__ import annotations

SWITCHES: frozenset[str] = frozenset({'rebuild', 'lazy', 'case', 'labels', 'zero_height', 'trusted', 'pushstate'})
"""Every switch name the sandbox knows."""

MODES: dict[str, frozenset[str]] = {
    'keyed': frozenset(),
    'rebuild': frozenset({'rebuild'}),
    'harsh': SWITCHES,
}
"""Named presets: `keyed` is the well-behaved default (nodes patched in place, like React with stable keys)."""


def parse_mode(mode: str) -> frozenset[str]:
    """A preset name or a comma-separated list of switch (or preset) names → the set of switches.

    Raises ValueError for an unknown name, so a typo never silently falls back to the gentle default.
    """
    switches: set[str] = set()
    for name in (part.strip() for part in str(mode).split(',')):
        if not name:
            continue
        if name in MODES:
            switches |= MODES[name]
        elif name in SWITCHES:
            switches.add(name)
        else:
            known = ', '.join(sorted(MODES) + sorted(SWITCHES - set(MODES)))
            raise ValueError(f'unknown sandbox mode or switch {name!r} (known: {known})')
    return frozenset(switches)


def mode_label(switches: frozenset[str]) -> str:
    """The preset name for a set of switches, else the sorted switch list (for logs and the CLI banner)."""
    for name, preset in MODES.items():
        if preset == switches:
            return name
    return ','.join(sorted(switches))
