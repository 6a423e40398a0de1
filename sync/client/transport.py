"""HTTP to the provincial server: timeouts, retries with exponential backoff
and jitter, and strict success checks (only a body that says ok and names our
protocol counts: a captive portal answers 200 too)."""
from __future__ import annotations

import random
import socket
from dataclasses import dataclass
from typing import Any, Callable

import httpx

from app.domain.i18n import N_
from sync.client.cancel import CancelToken
from sync.client.errors import AuthError, ServerFault, ServerRefused, TransientError, UpgradeRequired
from sync.protocol.enrollment import APP_VERSION_HEADER, PROTOCOL_HEADER, UPGRADE_STATUS
from sync.protocol.exchange import PROTOCOL_2, PROTOCOLS
from sync.protocol.schemas import PROTOCOL


def _app_version() -> str:
    from app.version import version   # the one source: pyproject, via the package metadata
    return version()


RETRY_STATUSES = {408, 423, 425, 500, 502, 503, 504}   # 429 (sign-in limit) is shown, not retried
GATEWAY_STATUSES = {502, 503, 504}      # the server as a whole is away, not failing on this request


def user_agent() -> str:
    """Tells the server the app's version (shown in the console's devices)."""
    return f"field-sampler/{_app_version()} {PROTOCOL_2}"


@dataclass
class RetryPolicy:
    base_s: float = 0.5
    factor: float = 2.0
    max_delay_s: float = 30.0
    attempts: int = 6            # per request, before the item is deferred to a later sync

    def delay(self, attempt: int, rng: random.Random = random.Random()) -> float:
        """Full jitter: a random wait up to the exponential cap."""
        cap = min(self.max_delay_s, self.base_s * self.factor ** max(0, attempt - 1))
        return rng.uniform(cap / 2, cap)


@dataclass
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 60.0


class Transport:
    def __init__(self, base_url: str, token: str | Callable[[], str | None] | None = None, *,
                 retry: RetryPolicy | None = None, timeouts: Timeouts | None = None,
                 cancel: CancelToken | None = None, protocol: str = PROTOCOL_2):
        """protocol: the one this app names in its FS-Protocol header, its
        newest (fs-sync/2); fs-sync/1 against a server known to speak only
        that. A 426 from a server that still speaks fs-sync/1 steps down to
        it (`stepped_down`) and sends the request again."""
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.retry = retry or RetryPolicy()
        t = timeouts or Timeouts()
        self.cancel = cancel or CancelToken()
        self.answered = False           # our server answered (our protocol's body) at least once
        self.protocol, self.stepped_down = protocol, False
        # TCP_NODELAY: a request's head and body go out as two writes; without
        # it the body waits for a delayed ACK (~40 ms per request).
        nodelay = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        self.client = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(t.read_s, connect=t.connect_s),
                                   # Which protocol and app version speaks: a server that no longer
                                   # supports it answers 426 with a message (sync/server/releases).
                                   headers={"User-Agent": user_agent(), PROTOCOL_HEADER: protocol,
                                            APP_VERSION_HEADER: _app_version()},
                                   transport=nodelay)

    def close(self) -> None:
        self.client.close()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        token = self._token() if callable(self._token) else self._token
        h = {"Authorization": f"Bearer {token}"} if token else {}
        return {**h, **(extra or {})}

    def once(self, method: str, path: str, *, json: Any = None, content: bytes | None = None,
             params: dict | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict]:
        """One attempt. Returns (status, body) for a success or a 4xx with a
        reason; raises TransientError, AuthError or ServerRefused."""
        self.cancel.check()
        try:
            r = self.client.request(method, path, json=json, content=content, params=params,
                                    headers=self._headers(headers))
        except (httpx.TransportError, httpx.StreamError) as e:   # cut, refused, timeout, bad framing
            raise TransientError(f"{type(e).__name__}: {e}", code="net.error",
                                 text=N_("网络连接中断，稍后重试")) from e
        if r.status_code == UPGRADE_STATUS:
            if self._step_down(r):
                return self.once(method, path, json=json, content=content, params=params, headers=headers)
            raise_upgrade(r)
        body = our_body(r)
        self.answered = self.answered or body is not None
        if r.status_code >= 500 and r.status_code not in GATEWAY_STATUSES:
            raise ServerFault(r.status_code, body, r.text)
        if body is None or r.status_code in RETRY_STATUSES:
            raise TransientError(f"HTTP {r.status_code} ({'ours' if body else 'not our server'})",
                                 code="net.status", text=N_("服务器暂时不可用，稍后重试"))
        if r.status_code == 401:
            err = body.get("error") or {}
            raise AuthError(err.get("code", "auth"), code=err.get("code", ""), zh=err.get("zh", ""),
                            en=err.get("en", ""))
        if r.status_code >= 400 and r.status_code not in (409, 412, 422):
            raise ServerRefused(r.status_code, body)
        if r.status_code < 400 and body.get("ok") is not True:
            raise TransientError("success status without an ok body", code="net.body")
        return r.status_code, body

    def _step_down(self, r: httpx.Response) -> bool:
        """An older server (it speaks fs-sync/1, not ours): speak fs-sync/1
        to it from now on. True if the request is to be sent again."""
        if self.protocol == PROTOCOL or PROTOCOL not in upgrade_params(r).get("supported", ()):
            return False
        self.protocol, self.stepped_down = PROTOCOL, True
        self.client.headers[PROTOCOL_HEADER] = PROTOCOL
        return True

    def call(self, method: str, path: str, **kw) -> tuple[int, dict]:
        """once() with retries for transient failures (safe for idempotent
        requests: every request of this protocol is)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.once(method, path, **kw)
            except TransientError:
                if attempt >= self.retry.attempts:
                    raise
                self.cancel.sleep(self.retry.delay(attempt))


def our_body(r: httpx.Response) -> dict | None:
    try:
        body = r.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("protocol") not in PROTOCOLS:
        return None
    return body


def upgrade_params(r: httpx.Response) -> dict:
    """The params of a 426's error (`supported`: the server's protocols)."""
    try:
        params = (r.json().get("error") or {}).get("params") or {}
    except (ValueError, AttributeError):
        return {}
    return params if isinstance(params, dict) else {}


def raise_upgrade(r: httpx.Response) -> None:
    """A 426 from our server names what to install. Recognised by status and
    shape, not by the body's protocol (a newer server's name for it)."""
    try:
        err = r.json().get("error") or {}
    except (ValueError, AttributeError):
        err = {}
    if not (isinstance(err, dict) and err.get("zh")):
        raise TransientError(f"HTTP {r.status_code} (not our server)", code="net.status",
                             text=N_("服务器暂时不可用，稍后重试"))
    raise UpgradeRequired(err.get("code", "client.upgrade_required"), code=err.get("code", ""),
                          zh=err.get("zh", ""), en=err.get("en", ""))
