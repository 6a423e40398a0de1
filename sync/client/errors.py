"""What can go wrong in a sync, sorted by what the client does about it."""
from __future__ import annotations

from app.domain.i18n import N_, both, is_english


class SyncError(Exception):
    """Base class; `zh`/`en` texts are for the sampler: the server's two
    texts as they came, or `text`, a catalogue entry (app.domain.i18n)."""

    def __init__(self, message: str, *, code: str = "", zh: str = "", en: str = "", text: str = ""):
        super().__init__(message)
        if text:
            zh, en = both(text)
        self.code, self.zh, self.en = code, zh or message, en or message

    def text(self, lang: str | None = None) -> str:
        """In `lang` (default: the current language)."""
        return self.en if is_english(lang) else self.zh


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
                         text=N_("服务器暂时不可用，稍后重试"))
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


class UpgradeRequired(SyncError):
    """The server no longer supports this app's protocol (426): nothing is
    retried or set aside; the sampler is told which version to install and
    where. Records stay queued for the new version."""
