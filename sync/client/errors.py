"""What can go wrong in a sync, sorted by what the client does about it."""
from __future__ import annotations

from app.domain.i18n import both, is_english


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
