"""`Sandbox`: the replica served by uvicorn in a background thread, for tests and demos."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from lookup.sandbox.app import create_app
from lookup.sandbox.modes import mode_label, parse_mode
from lookup.sandbox.requestlog import RequestLog

START_TIMEOUT_S = 10.0


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen before uvicorn starts: `port=0` yields the port up front, early clients wait in the backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def make_server(*, seed: int, render_delay_ms: int, log: RequestLog, mode: str = 'keyed') -> uvicorn.Server:
    app = create_app(seed=seed, render_delay_ms=render_delay_ms, log=log, mode=mode)
    # Short graceful timeout: the analytics beacon and open keep-alive connections must not delay a stop.
    config = uvicorn.Config(app, log_level='warning', lifespan='off', access_log=False,
                            timeout_graceful_shutdown=1)
    return uvicorn.Server(config)


class Sandbox:
    """The offline podzamenu + fallback-site replica. `with Sandbox(seed=1, render_delay_ms=150) as sb: sb.url`.

    `mode` is a preset (`keyed`, `rebuild`, `harsh`) or a comma-separated list of switches (`'lazy,trusted'`),
    see `lookup.sandbox.modes`; an unknown name raises ValueError before anything is bound.
    """

    def __init__(self, *, host: str = '127.0.0.1', port: int = 0, seed: int = 0, render_delay_ms: int = 1200,
                 mode: str = 'keyed') -> None:
        self.host = host
        self.seed = seed
        self.render_delay_ms = render_delay_ms
        self.switches: frozenset[str] = parse_mode(mode)
        self.mode = mode_label(self.switches)
        self._log = RequestLog()
        self._sock = bind_socket(host, port)
        self.port: int = self._sock.getsockname()[1]
        self._server = make_server(seed=seed, render_delay_ms=render_delay_ms, log=self._log, mode=mode)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the podzamenu replica (PODZAMENU_BASE_URL)."""
        return f'http://{self.host}:{self.port}'

    @property
    def profrf_url(self) -> str:
        """Base URL of the fallback site (PROF_RF_BASE_URL)."""
        return f'{self.url}/profrf'

    def start(self) -> Sandbox:
        """Serve in a daemon thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self._server.run, kwargs={'sockets': [self._sock]},
                                        name=f'sandbox:{self.port}', daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f'sandbox failed to start on {self.url}')
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self._server.should_exit = True
        if self._thread:
            self._thread.join(timeout=5)
        self._sock.close()

    def request_log(self) -> list[dict[str, Any]]:
        """Recorded requests to /search-vehicle, /profrf/search and the data APIs, oldest first."""
        return self._log.entries()

    def reset_log(self) -> None:
        self._log.reset()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
