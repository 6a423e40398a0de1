"""Sign-in rate limit: failures per user name and per client address within
a sliding window.

Kept in the database, so every server worker process sees the same count
and a restart does not forgive. The check and the reset run in the sign-in
transaction; a failure is written in a transaction of its own after the
sign-in was rolled back (see auth/routes.py), or it would vanish with it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.server.auth.models import LoginFailure
from sync.server.db import Database, utcnow


def sign_in_keys(username: str, address: str) -> tuple[str, str]:
    """(user key, address key): the user key is reset by a good password."""
    return f"user:{username.lower()}", f"addr:{address}"


class LoginLimiter:
    def __init__(self, max_failures: int = 5, window_s: float = 300.0):
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_s)

    def retry_after(self, *, session: Session, keys: tuple[str, ...]) -> int:
        """Seconds to wait, 0 when any attempt is allowed now."""
        now = utcnow()
        wait = 0.0
        for key in keys:
            q = (select(func.count(), func.min(LoginFailure.at))
                 .where(LoginFailure.key == key, LoginFailure.at > now - self.window))
            count, oldest = session.execute(q).one()
            if count >= self.max_failures:
                wait = max(wait, (self.window - (now - oldest)).total_seconds())
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, *, db: Database, keys: tuple[str, ...]) -> None:
        now = utcnow()
        with db.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))   # keep it small
            s.add_all(LoginFailure(key=key, at=now) for key in keys)

    def succeeded(self, *, session: Session, user_key: str) -> None:
        session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))
