"""What can go wrong in a sync, sorted by what the client does about it."""
from __future__ import annotations


class SyncError(Exception):
    """Base class; `zh`/`en` texts are for the sampler."""

    def __init__(self, message: str, *, code: str = "", zh: str = "", en: str = ""):
        super().__init__(message)
        self.code, self.zh, self.en = code, zh or message, en or message


class TransientError(SyncError):
    """Network cut, timeout, 5xx, a captive portal's page: try again later."""


class ServerFault(TransientError):
    """The server answered 5xx (not a gateway's 502/503/504, which say the
    server as a whole is away): it failed on this request. Retried like any
    transient error; a record that keeps getting it is set aside (see
    sync.client.outbox.SERVER_FAULT_LIMIT). `ours`: the body was our
    protocol's envelope, so the server itself said so."""

    def __init__(self, status: int, body: dict | None, text: str):
        err = (body or {}).get("error") or {}
        first_line = (text or "").strip().splitlines()[0][:200] if (text or "").strip() else ""
        detail = first_line or f"HTTP {status}"
        super().__init__(f"HTTP {status} ({'ours' if body else 'not our server'})", code="net.status",
                         zh="服务器暂时不可用，稍后重试", en="The server is not available; will retry")
        self.status, self.ours = status, body is not None
        self.server_zh, self.server_en = err.get("zh") or detail, err.get("en") or detail


class AuthError(SyncError):
    """The token was refused (revoked device, expired, unknown): stop and ask
    the sampler to sign in again. Nothing queued is dropped."""


class Cancelled(SyncError):
    """The sampler pressed cancel; what was done so far is kept."""


class ServerRefused(SyncError):
    """A 4xx with a reason (rejected record, conflict) for the caller to handle."""

    def __init__(self, status: int, body: dict):
        err = body.get("error") or {}
        super().__init__(f"HTTP {status}: {err.get('code', '')}", code=err.get("code", ""),
                         zh=err.get("zh", ""), en=err.get("en", ""))
        self.status, self.body = status, body
