"""Request body limits, enforced at the ASGI level: before the body is
parsed and before the token is looked at, while the bytes arrive.

A declared Content-Length over the route's limit is answered 413 at once,
without reading a byte of the body. A body without one (chunked) is read
up to the limit and refused as soon as it passes it. So whatever is sent,
and by whom, a JSON route holds at most its limit in memory per request.
Only the photo upload (PATCH /v1/blobs/{sha256}) takes large bodies: it
streams them to disk in pieces and is counted as it goes (limit: the
largest blob). The 413 is the protocol's error envelope."""
from __future__ import annotations

import re
from typing import Any, Awaitable, Callable

from sync.protocol.messages import problem
from sync.protocol.schemas import ErrorBody
from sync.server.errors import ApiError

KiB, MiB = 1024, 1024 * 1024
DEFAULT_LIMIT = 64 * KiB         # admin JSON (tasks, draws, reasons), and any body sent to a GET
# (method, path pattern, limit): the first match wins.
ROUTE_LIMITS: list[tuple[str, re.Pattern, int]] = [
    ("POST", re.compile(r"^/v1/auth/"), 4 * KiB),              # sign-in: a name, a password, a key
    ("POST", re.compile(r"^/v1/records$"), 1 * MiB),            # a record document (photos go apart)
    ("POST", re.compile(r"^/v1/blobs/missing$"), 256 * KiB),   # up to 2000 hashes
    ("POST", re.compile(r"^/v1/sync$"), 4 * MiB),              # a batch of records, 20,000 hashes (exchange.py)
    # web console uploads: a party list (CSV / .xlsx), a scanned determination
    ("POST", re.compile(r"^/console/parties/import$"), 20 * MiB),
    ("POST", re.compile(r"^/console/followups/\d+/files$"), 20 * MiB),
    # the lab: a seal photo, a report PDF; photos of a sample's condition or a disposal's receipt (a few)
    ("POST", re.compile(r"^/console/lab/scan/photo$"), 20 * MiB),
    ("POST", re.compile(r"^/console/lab/blind/[^/]+/report$"), 20 * MiB),
    ("POST", re.compile(r"^/console/lab/samples/\d+/(receipt|disposal)$"), 60 * MiB),
]
STREAMED = ("PATCH", re.compile(r"^/v1/blobs/[^/]+$"))         # photo chunks, to disk
# A declared body up to this far over the limit is drained (read and dropped,
# memory flat) so that the client, still sending, can read the 413; beyond
# it, and for a chunked body (it may never end), the connection is closed.
CLOSE_AFTER = 64 * MiB

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class BodyLimit:
    def __init__(self, app, *, blob_limit: int):
        self.app, self.blob_limit = app, blob_limit

    def limit_for(self, method: str, path: str) -> tuple[int, bool]:
        """(limit in bytes, streamed to the route)."""
        if method == STREAMED[0] and STREAMED[1].match(path):
            return self.blob_limit, True
        for m, pattern, limit in ROUTE_LIMITS:
            if m == method and pattern.match(path):
                return limit, False
        return DEFAULT_LIMIT, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, streamed = self.limit_for(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(send, limit, close=declared - limit > CLOSE_AFTER)
            return
        if streamed:
            await self.app(scope, _counting(receive, limit), send)
            return
        messages: list[dict] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await too_large(send, limit, close=True)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> dict:
            return messages.pop(0) if messages else await receive()
        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None   # the HTTP parser refuses a malformed one
    return None


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> dict:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise ApiError(413, "request.too_large", limit=limit)
        return message
    return counted


async def too_large(send: Send, limit: int, *, close: bool) -> None:
    body = ErrorBody(error=problem("request.too_large", limit=limit)).model_dump_json().encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
