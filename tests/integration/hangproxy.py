"""A TCP proxy in front of the sandbox that can make the whole site hang (accepts, never answers) at will."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading


class HangProxy:
    """`hang = True`: connections are accepted and held silently (a site that stopped answering); `False`: bytes
    are relayed to the upstream (the sandbox) both ways."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.hang = False
        self._stop = threading.Event()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                if proxy.hang:
                    self.request.settimeout(0.5)
                    while not proxy._stop.is_set():  # hold it: read and drop, answer nothing
                        try:
                            if not self.request.recv(65536):
                                return
                        except TimeoutError:
                            continue
                        except OSError:
                            return
                    return
                with socket.create_connection(proxy.upstream) as up:
                    pump = threading.Thread(target=_pipe, args=(up, self.request), daemon=True)
                    pump.start()
                    _pipe(self.request, up)
                    pump.join(5)

        self._server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self._server.server_address[1]}'

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
