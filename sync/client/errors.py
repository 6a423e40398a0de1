"""What can go wrong in a sync, sorted by what the client does about it."""
from __future__ import annotations


class SyncError(Exception):
    """Base class; `zh`/`en` texts are for the sampler."""

    def __init__(self, message: str, *, code: str = "", zh: str = "", en: str = ""):
        super().__init__(message)
        self.code, self.zh, self.en = code, zh or message, en or message


class TransientError(SyncError):
    """Network cut, timeout, 5xx, a captive portal's page: try again later."""


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


class UpgradeRequired(SyncError):
    """The server no longer supports this app's protocol (426): nothing is
    retried or set aside; the sampler is told which version to install and
    where. Records stay queued for the new version."""
