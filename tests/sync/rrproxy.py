"""A small round-robin HTTP/1.1 load balancer on loopback, for the
several-servers tests: each request (not each connection) goes to the next
server in turn, so one client's chunks alternate between them. A server
that refuses the connection is skipped, as nginx's passive health check
would; one that dies with the request in flight answers 502 (the client
retries, and its retry goes to a live server)."""
from __future__ import annotations

import socket
import threading
from collections import Counter

from tests.sync.faultproxy import _close, _headers, _read_exact, _read_head, _read_response

BAD_GATEWAY = (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
               b"Connection: close\r\n\r\nbad gateway\n")


class RoundRobinProxy:
    def __init__(self, upstreams: list[tuple[str, int]]):
        self.upstreams = list(upstreams)
        self.sent = Counter()              # (method, upstream index) -> requests answered
        self._next = 0
        self._lock = threading.Lock()
        self.on_request = None             # hook(method, path, upstream index) before forwarding
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._stop = False
        threading.Thread(target=self._accept, daemon=True, name="rr-proxy").start()

    def close(self) -> None:
        self._stop = True
        _close(self.sock)

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _pick(self) -> list[int]:
        with self._lock:
            first = self._next
            self._next = (self._next + 1) % len(self.upstreams)
        return [(first + k) % len(self.upstreams) for k in range(len(self.upstreams))]

    def _serve(self, client: socket.socket) -> None:
        buf = bytearray()
        try:
            while True:
                head = _read_head(client, buf)
                if head is None:
                    return
                body = _read_exact(client, buf, int(_headers(head).get("content-length", "0")))
                if body is None:
                    return
                method, path = head.split(b" ", 2)[:2]
                reply = self._forward(method.decode(), path.decode(), head + body)
                client.sendall(reply)
                if reply is BAD_GATEWAY:
                    return
        except OSError:
            return
        finally:
            _close(client)

    def _forward(self, method: str, path: str, request: bytes) -> bytes:
        for i in self._pick():
            try:
                upstream = socket.create_connection(self.upstreams[i], timeout=60)
            except OSError:
                continue                    # not listening: next server
            try:
                if self.on_request:
                    self.on_request(method, path, i)
                upstream.sendall(request)
                reply = _read_response(upstream, bytearray(), method)
            except OSError:
                reply = None
            finally:
                _close(upstream)
            if reply is None:
                return BAD_GATEWAY          # died with the request in flight
            with self._lock:
                self.sent[(method, i)] += 1
            return reply
        return BAD_GATEWAY
