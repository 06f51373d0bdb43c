"""A threaded HTTP/1.1 server on 127.0.0.1 over plain sockets, for tests of what goes wrong on the wire.

Subclasses decide how to answer (``_serve``); this base listens, accepts, reads whole requests (head and
Content-Length body) and records them. Nothing in httpx is mocked by the tests that use it.
"""

from __future__ import annotations

import socket
import threading
from typing import List, Optional, Tuple

Request = Tuple[str, str, bytes]  # method, path (with query), body


class LocalHttpServer:
    """Listens on a free port (``url``); subclasses set their own attributes before calling ``__init__``,
    since the accept thread starts here."""

    def __init__(self, backlog: int) -> None:
        self.requests: List[Request] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(backlog)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: List[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def methods(self) -> List[str]:
        with self._lock:
            return [method for method, _, _ in self.requests]

    def close(self) -> None:
        self._stop.set()
        self._accepter.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_request(self, conn: socket.socket, buffer: bytes) -> Tuple[Optional[Request], bytes]:
        """One whole request and what follows it, or None when the client went away."""
        while b"\r\n\r\n" not in buffer:
            chunk = self._recv(conn)
            if not chunk:
                return None, b""
            buffer += chunk
        head, rest = buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        method, target = lines[0].decode().split(" ")[:2]
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = self._recv(conn)
            if not chunk:
                return None, b""
            rest += chunk
        return (method, target, rest[:length]), rest[length:]

    def _recv(self, conn: socket.socket) -> bytes:
        while not self._stop.is_set():
            try:
                return conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return b""
