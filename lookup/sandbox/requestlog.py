"""Thread-safe record of site visits, so tests can prove how often the engine really hit the site."""

from __future__ import annotations

import threading
import time
from typing import Any


class RequestLog:
    """Append-only list of `{path, query, method, time}`; read from the test thread, written by the server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def add(self, *, path: str, query: dict[str, str], method: str = 'GET') -> None:
        entry = {'path': path, 'query': dict(query), 'method': method, 'time': time.time()}
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
