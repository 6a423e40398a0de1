"""A lean HTTP/1.1 keep-alive client on asyncio streams, for the 300-device
load benchmark only.

Why not httpx there: the simulated devices and the server share this
machine's two cores, and httpx spends about a millisecond of CPU per
request, so with 300 devices the load generator took half the CPU and
its own event-loop lag showed up as server latency. A real fleet brings
its own CPUs; this client costs a fraction of that, so what is measured is
the server. The app itself syncs with httpx (sync/client/transport.py)."""
from __future__ import annotations

import asyncio
import json as jsonlib
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Response:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.content)


class Connection:
    """One keep-alive connection; requests go one after another on it, as
    a device's sync does."""

    def __init__(self, base: str):
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> "Connection":
        return self

    async def __aexit__(self, *exc) -> None:
        if self.writer is not None:
            self.writer.close()

    async def request(self, method: str, path: str, *, body: bytes = b"", headers: dict | None = None,
                      content_type: str = "application/octet-stream") -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        if body:
            head.append(f"Content-Type: {content_type}")
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise NotImplementedError("chunked replies: the server's JSON replies have a length")
        content = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return Response(status, content)

    async def post(self, path: str, *, json, headers: dict | None = None) -> Response:
        return await self.request("POST", path, body=jsonlib.dumps(json, ensure_ascii=False).encode("utf-8"),
                                  headers=headers, content_type="application/json")

    async def patch(self, path: str, *, content: bytes, headers: dict | None = None) -> Response:
        return await self.request("PATCH", path, body=content, headers=headers)

    async def get(self, path: str, *, headers: dict | None = None) -> Response:
        return await self.request("GET", path, headers=headers)
