"""The lookup engine: VIN/FRAME in, car and gearbox out, by driving a real browser through the catalogue.

Self-contained: it imports nothing of the application core, the queue or the web edge, and everything it needs
comes in through `EngineSettings`, so it can run as a separate service; `python -m lookup` is its CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lookup.engine.identifiers import Identifier, IdType, InvalidIdentifier, parse
from lookup.engine.outcomes import OemStatus, Outcome, TagVerification
from lookup.engine.result import LookupResult
from lookup.engine.settings import EngineSettings

if TYPE_CHECKING:
    from lookup.engine.engine import Engine

__all__ = ['Engine', 'EngineSettings', 'IdType', 'Identifier', 'InvalidIdentifier', 'LookupResult', 'OemStatus',
           'Outcome', 'TagVerification', 'parse']


def __getattr__(name: str) -> Any:
    # Playwright is imported only by code that looks something up, not by the web process importing outcomes.
    if name == 'Engine':
        from lookup.engine.engine import Engine
        return Engine
    raise AttributeError(name)
