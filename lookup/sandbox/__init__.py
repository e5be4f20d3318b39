"""Offline replica of podzamenu.ru and its Chinese-VIN fallback site: `python -m lookup.sandbox --port 8765`."""

from lookup.sandbox.modes import MODES, SWITCHES, parse_mode
from lookup.sandbox.server import Sandbox

__all__ = ['MODES', 'SWITCHES', 'Sandbox', 'parse_mode']
