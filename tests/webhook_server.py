"""A real local HTTP server standing in for a tenant's messenger bridge (the outbound webhook receiver).

`with WebhookReceiver() as hook:` → `hook.url`; `hook.script(500, 500, 200)` makes the next requests answer those
statuses (then 200 forever); `hook.requests` lists what arrived (path, headers, body); `hook.wait_for(n)` blocks
until n requests arrived (an Event, no sleeping)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._statuses: list[int] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                with receiver._arrived:
                    status = receiver._statuses.pop(0) if receiver._statuses else 200
                    receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body))
                    receiver._arrived.notify_all()
                self.send_response(status)
                reply = b'ok' if status < 400 else f'bridge says {status}'.encode()
                self.send_header('Content-Length', str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *_: object) -> None:
                pass

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self._server.server_address[1]}/bridge/outgoing'

    def script(self, *statuses: int) -> None:
        with self._lock:
            self._statuses = list(statuses)

    def wait_for(self, n: int, timeout: float = 30) -> list[Received]:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.requests) >= n, timeout):
                raise AssertionError(f'{len(self.requests)} webhook request(s) arrived, waited for {n}')
            return list(self.requests)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
