"""Sign-in throttling: per account from one address, per address, per
account, with exponential backoff; atomic across server worker processes.

Why three counters: guessing one account from one address is stopped by
the first (5 failures, then a wait that doubles with every further
failure); spraying many accounts from one address by the second; guessing
one account from many addresses by the third. The second and third are
looser (20) and do not apply to an account signing in from an address it
has signed in from before ("known"), so someone else's guesses, from
another address or at other accounts behind the same office address, do
not lock the rightful user out. A sampler's enrolled laptop that proves
it holds its registered key (app.domain.signin_proof) is counted on its
own, so nobody else's guesses hold it.

Atomic: an attempt is *reserved* before its password is checked: in one
short transaction every applicable counter row is locked (PostgreSQL: row
locks; SQLite: the writer lock of BEGIN IMMEDIATE), refused if any is
waiting, else counted as a failure. A right password then takes its
count back. So 40 guesses at once, on any number of worker processes,
get exactly as many password checks as the budget allows.

Counters live in the database (every worker and a restart see them) keyed
by a SHA-256 of the account name and address, so no input can overflow or
poison the key column."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.server.auth.models import LoginCounter, LoginKnown
from sync.server.db import Database, insert_ignore, utcnow
from sync.server.errors import ApiError


@dataclass(frozen=True)
class Limits:
    per_pair: int = 5            # failures of one account from one address before it waits
    per_address: int = 20        # failures from one address (any account)
    per_account: int = 20        # failures of one account (any address)
    backoff_s: float = 300.0     # the first wait once a budget is spent; doubles per further failure
    backoff_max_s: float = 3600.0
    forget_s: float = 86400.0    # a counter is forgotten this long after its last failure
    known_days: int = 90         # a good sign-in makes (account, address) known this long


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """A reserved sign-in attempt: the counters it was charged to."""
    username: str
    address: str
    keys: tuple[str, ...]                 # charged, in lock order
    own_key: str                          # this account from here (or its laptop): reset by a right password


class Throttle:
    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()

    def _wait(self, failures: int, last: datetime | None, budget: int, now: datetime) -> float:
        lim = self.limits
        if last is None or failures < budget or (now - last).total_seconds() >= lim.forget_s:
            return 0.0
        backoff = min(lim.backoff_max_s, lim.backoff_s * 2 ** (failures - budget))
        return max(0.0, backoff - (now - last).total_seconds())

    def _lock(self, session: Session, keys: list[str]) -> dict[str, LoginCounter]:
        for key in keys:
            insert_ignore(session, LoginCounter, key=key, failures=0, last_failure_at=None)
        rows = session.scalars(select(LoginCounter).where(LoginCounter.key.in_(keys))
                               .order_by(LoginCounter.key).with_for_update())
        return {r.key: r for r in rows}

    def reserve(self, *, db: Database, username: str, address: str, laptop: bytes | None = None) -> Attempt:
        """Charge one failure to every counter of this attempt, or raise 429
        (with Retry-After) if any counter that applies is waiting. `laptop`:
        the public key of an enrolled laptop of this account that proved it
        holds the private key; then only that laptop's own counter applies."""
        lim, now = self.limits, utcnow()
        user = username.strip().lower()
        if laptop is not None:
            own = _digest("laptop", user, laptop.hex())
            budgets = {own: lim.per_pair}
        else:
            own = _digest("pair", user, address)
            budgets = {own: lim.per_pair, _digest("addr", address): lim.per_address,
                       _digest("acct", user): lim.per_account}
        keys = sorted(budgets)
        with db.session() as s:
            s.execute(delete(LoginCounter).where(LoginCounter.last_failure_at < now - timedelta(seconds=lim.forget_s)))
            known = s.get(LoginKnown, _digest("known", user, address))
            if known is not None and known.at > now - timedelta(days=lim.known_days):
                checked = (own,)              # signed in from here before: only its own counter holds it
            else:
                checked = tuple(keys)
            rows = self._lock(s, keys)
            wait = max(self._wait(rows[k].failures, rows[k].last_failure_at, budgets[k], now) for k in checked)
            if wait > 0:
                seconds = int(wait) + 1
                raise ApiError(429, "auth.rate_limited", headers={"Retry-After": str(seconds)}, seconds=seconds)
            for row in rows.values():
                if row.last_failure_at is not None and (now - row.last_failure_at).total_seconds() >= lim.forget_s:
                    row.failures = 0
                row.failures += 1
                row.last_failure_at = now
        return Attempt(username=user, address=address, keys=tuple(keys), own_key=own)

    def succeeded(self, *, session: Session, attempt: Attempt) -> None:
        """The password was right: the attempt was no failure. The account's
        counter from this address starts again; the others take back the one
        failure charged (a good sign-in of one's own account must not wipe
        out guesses at others from the same address); the pair is known."""
        rows = self._lock(session, list(attempt.keys))
        for key, row in rows.items():
            row.failures = 0 if key == attempt.own_key else max(0, row.failures - 1)
        known = _digest("known", attempt.username, attempt.address)
        insert_ignore(session, LoginKnown, key=known, at=utcnow())
        session.get(LoginKnown, known).at = utcnow()
