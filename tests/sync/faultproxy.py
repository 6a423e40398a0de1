"""A fault-injecting HTTP/1.1 proxy on loopback, written for the sync tests.

It forwards real TCP traffic between the client and the server and, per
request, as a schedule decides: passes it, cuts the connection before or
in the middle of the body, lets the server commit and then drops (or cuts
short) the reply, delivers the request twice at once, answers a 5xx burst
itself (a gateway's 503, or a 500 as the server's own failure before it
committed: `error_500`), delays the reply (slow link), flips a byte of an
upload, or calls a hook after the server answered (to kill the server
process)."""
from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

FAULTS = ("pass", "drop_before_body", "drop_mid_body", "drop_response", "truncate_response", "duplicate",
          "error_5xx", "slow", "corrupt", "kill_after_commit", "error_500")


@dataclass
class Request:
    index: int
    method: str
    path: str
    head: bytes
    body: bytes


@dataclass
class Stats:
    requests: int = 0
    bytes_up: int = 0                       # client -> server, everything forwarded
    bytes_down: int = 0                     # server -> client
    body_bytes_up: dict[str, int] = field(default_factory=dict)   # per method
    faults: dict[str, int] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)      # (method, path) of every request

    def count(self, method: str, prefix: str = "") -> int:
        return sum(m == method and p.startswith(prefix) for m, p in self.seen)


def _read_head(sock: socket.socket, buf: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            return None
        buf += data
    end = buf.index(b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    del buf[:end]
    return head


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if ln)}


def _read_exact(sock: socket.socket, buf: bytearray, n: int) -> bytes | None:
    while len(buf) < n:
        data = sock.recv(65536)
        if not data:
            return None
        buf += data
    out = bytes(buf[:n])
    del buf[:n]
    return out


def _read_response(sock: socket.socket, buf: bytearray, method: str) -> bytes | None:
    head = _read_head(sock, buf)
    if head is None:
        return None
    h = _headers(head)
    status = int(head.split(b" ", 2)[1])
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return head
    if h.get("transfer-encoding", "").lower() == "chunked":
        out = bytearray(head)
        while True:
            while b"\r\n" not in buf:
                data = sock.recv(65536)
                if not data:
                    return None
                buf += data
            line_end = buf.index(b"\r\n") + 2
            size = int(bytes(buf[:line_end]).split(b";")[0], 16)
            chunk = _read_exact(sock, buf, line_end + size + 2)
            if chunk is None:
                return None
            out += chunk
            if size == 0:
                return bytes(out)
    body = _read_exact(sock, buf, int(h.get("content-length", "0")))
    return None if body is None else head + body


def _close(*socks: socket.socket | None) -> None:
    for s in socks:
        if s is None:
            continue
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


BAD_GATEWAY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 19\r\n"
               b"Connection: close\r\n\r\n<h1>503 burst</h1>\n")


def server_error(zh: str | None = "数据库写入失败", en: str = "database write failed") -> bytes:
    """A 500 reply: in the protocol's envelope with the server's message, or
    (zh None) a bare text page such as a portal or a crashed handler sends."""
    if zh is None:
        body, kind = b"Internal Server Error", b"text/plain"
    else:
        body, kind = json.dumps({"ok": False, "protocol": "fs-sync/1", "problems": [], "error": {
            "code": "server.error", "field": "", "params": {}, "zh": zh, "en": en}}).encode(), b"application/json"
    return (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: " + kind + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], schedule: Callable[[Request], str] | None = None, *,
                 slow_s: tuple[float, float] = (0.1, 0.6), on_kill: Callable[[], None] | None = None,
                 seed: int = 0, error_500: bytes | None = None):
        self.upstream = upstream
        self.schedule = schedule or (lambda r: "pass")
        self.slow_s, self.on_kill = slow_s, on_kill
        self.error_500 = error_500 or server_error()
        self.rng = random.Random(seed)
        self.stats = Stats()
        self._lock = threading.Lock()
        self._index = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._stop = False
        threading.Thread(target=self._accept, daemon=True, name="fault-proxy").start()

    def close(self) -> None:
        self._stop = True
        _close(self.sock)

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect(self) -> socket.socket:
        s = socket.create_connection(self.upstream, timeout=30)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def _count(self, req: Request, nbytes: int, body: int) -> None:
        with self._lock:
            self.stats.bytes_up += nbytes
            self.stats.body_bytes_up[req.method] = self.stats.body_bytes_up.get(req.method, 0) + body

    def _serve(self, client: socket.socket) -> None:
        cbuf, ubuf = bytearray(), bytearray()
        upstream = None
        try:
            while True:
                head = _read_head(client, cbuf)
                if head is None:
                    return
                method, path = head.split(b" ", 2)[:2]
                body = _read_exact(client, cbuf, int(_headers(head).get("content-length", "0")))
                if body is None:
                    return
                with self._lock:
                    self._index += 1
                    req = Request(self._index, method.decode(), path.decode(), head, body)
                    self.stats.requests += 1
                    self.stats.seen.append((req.method, req.path))
                fault = self.schedule(req)
                if fault == "corrupt" and not (req.method == "PATCH" and req.body):
                    fault = "pass"
                with self._lock:
                    self.stats.faults[fault] = self.stats.faults.get(fault, 0) + 1
                if fault in ("error_5xx", "error_500"):
                    client.sendall(BAD_GATEWAY if fault == "error_5xx" else self.error_500)
                    return
                if fault == "duplicate":
                    client.sendall(self._twice(req))
                    continue
                if upstream is None:
                    upstream, ubuf = self._connect(), bytearray()
                if fault == "drop_before_body":
                    upstream.sendall(head)
                    self._count(req, len(head), 0)
                    return
                if fault == "drop_mid_body":
                    cut = self.rng.randrange(0, max(1, len(body)))
                    upstream.sendall(head + body[:cut])
                    self._count(req, len(head) + cut, cut)
                    time.sleep(0.01)
                    return
                data = body
                if fault == "corrupt":
                    i = self.rng.randrange(len(body))
                    data = body[:i] + bytes([body[i] ^ 0x5A]) + body[i + 1:]
                upstream.sendall(head + data)
                self._count(req, len(head) + len(data), len(data))
                response = _read_response(upstream, ubuf, req.method)
                if response is None:
                    return
                if fault == "kill_after_commit":
                    if self.on_kill:
                        self.on_kill()
                    return
                if fault == "drop_response":
                    return
                if fault == "truncate_response":
                    client.sendall(response[:self.rng.randrange(1, max(2, len(response)))])
                    return
                if fault == "slow":
                    time.sleep(self.rng.uniform(*self.slow_s))
                client.sendall(response)
                with self._lock:
                    self.stats.bytes_down += len(response)
                if b"connection: close" in response.split(b"\r\n\r\n", 1)[0].lower():
                    return
        except OSError:
            return
        finally:
            _close(client, upstream)

    def _twice(self, req: Request) -> bytes:
        """Deliver one request twice at once on two connections; answer with
        one of the two replies (the other is lost like a retry's)."""
        replies: list[bytes | None] = [None, None]

        def send(i: int) -> None:
            try:
                s = self._connect()
                s.sendall(req.head + req.body)
                replies[i] = _read_response(s, bytearray(), req.method)
                _close(s)
            except OSError:
                pass
        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._count(req, 2 * (len(req.head) + len(req.body)), 2 * len(req.body))
        got = [r for r in replies if r]
        return self.rng.choice(got) if got else BAD_GATEWAY


def random_schedule(seed: int, fault_rate: float = 0.3, faults: tuple[str, ...] = FAULTS[1:9]):
    """A reproducible schedule: each request is faulted with fault_rate; a
    5xx comes in bursts of 1-4 requests."""
    rng = random.Random(seed)
    burst = {"left": 0}

    def schedule(req: Request) -> str:
        if burst["left"] > 0:
            burst["left"] -= 1
            return "error_5xx"
        if rng.random() >= fault_rate:
            return "pass"
        fault = rng.choice(faults)
        if fault == "error_5xx":
            burst["left"] = rng.randrange(0, 4)
        return fault
    return schedule
