"""Many light NiceGUI sessions without a browser each: the page is fetched over HTTP (creating its server-side
client, which subscribes to live changes) and a python-socketio client takes its websocket, as nicegui.js does.

Each session keeps the element tree it receives in `update` messages, so a probe can ask "does the card of value V
show status S yet?" and note when. Used by the push benchmark (50 sessions would need 50 Chromium renderers
otherwise, which on a 2-core machine measures the renderers, not the push).
"""

from __future__ import annotations

import ast
import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field

import httpx
import socketio

QUERY_RE = re.compile(r'query: (\{.*?\}),\n')


@dataclass
class Session:
    elements: dict[str, dict] = field(default_factory=dict)
    seen_at: float | None = None
    """time.time() when the armed condition first held."""
    target: tuple[str, tuple[str, ...]] | None = None
    sio: socketio.AsyncClient | None = None

    def on_update(self, data: dict) -> None:
        for key, value in data.items():
            if key == '_id':
                continue
            if value is None:
                self.elements.pop(key, None)
            else:
                self.elements[key] = value
        if self.target and self.seen_at is None and self.card_shows(*self.target):
            self.seen_at = time.time()

    def _texts(self, element_id: str, depth: int = 0) -> list[str]:
        el = self.elements.get(str(element_id))
        if el is None or depth > 30:
            return []
        out = [el['text']] if el.get('text') else []
        for child in el.get('children', []):
            out += self._texts(child, depth + 1)
        return out

    def card_shows(self, value: str, status_texts: tuple[str, ...]) -> bool:
        for key, el in self.elements.items():
            if 'case-card' in (el.get('class') or []):
                texts = self._texts(key)
                if any(value in t for t in texts) and any(t in status_texts for t in texts):
                    return True
        return False

    def texts(self) -> list[str]:
        return [el['text'] for el in self.elements.values() if el.get('text')]

    def arm(self, value: str, *status_texts: str) -> None:
        """From now on, note when the card of `value` first shows one of `status_texts`."""
        self.seen_at = None
        self.target = (value, status_texts)


async def open_session(url: str, path: str, cookies: dict[str, str]) -> Session:
    async with httpx.AsyncClient(base_url=url, cookies=cookies) as http:
        html = (await http.get(path)).text
    query = ast.literal_eval(QUERY_RE.search(html).group(1))  # NiceGUI renders a Python dict literal
    query.update(document_id=str(uuid.uuid4()), tab_id=str(uuid.uuid4()))
    session = Session()
    sio = socketio.AsyncClient(reconnection=False)
    sio.on('update', session.on_update)
    qs = '&'.join(f'{k}={str(v).lower() if isinstance(v, bool) else v}' for k, v in query.items())
    cookie = '; '.join(f'{k}={v}' for k, v in cookies.items())
    await sio.connect(f'{url}?{qs}', headers={'Cookie': cookie}, transports=['websocket'],
                      socketio_path='/_nicegui_ws/socket.io', wait_timeout=10)
    session.sio = sio
    return session


async def open_sessions(url: str, path: str, cookies: dict[str, str], n: int) -> list[Session]:
    return [await open_session(url, path, cookies) for _ in range(n)]


async def close_sessions(sessions: list[Session]) -> None:
    await asyncio.gather(*(s.sio.disconnect() for s in sessions if s.sio))
