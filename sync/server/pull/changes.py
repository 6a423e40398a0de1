"""Append to the change log (see pull/models.py) and read cursors."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from sync.server.db import is_postgres
from sync.server.pull.models import Change

CURSOR_VERSION = "1"
_PG_CHANGE_LOCK = 72010401   # advisory lock id: change rows commit in seq order
_PENDING = "fs_pending_changes"   # session.info key: changes logged, not written yet


def record_change(*, session: Session, kind: str, entity_id: str) -> None:
    """Log a change to server-owned data. The row is written as the
    transaction commits (_write_pending), under a transaction-scoped
    advisory lock on PostgreSQL, so sequence numbers commit in order and a
    pull never skips a row committed late (SQLite writers are serialized).

    Taken last, the lock is never held while the transaction waits for a
    row: taken at the first change, it deadlocked an assignment (lock held,
    then its task row's key check on the plan item) against a record push
    (plan item locked for its quota, then the lock)."""
    session.info.setdefault(_PENDING, []).append((kind, entity_id))


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHANGE_LOCK})
    session.add_all(Change(token=secrets.token_hex(4), kind=kind, entity_id=entity_id) for kind, entity_id in pending)
    session.flush()


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction) -> None:
    """A transaction rolled back or closed: its changes did not happen."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def current_cursor(*, session: Session) -> tuple[int, str]:
    row = session.execute(select(Change.seq, Change.token).order_by(Change.seq.desc()).limit(1)).first()
    return (row.seq, row.token) if row else (0, "0")


def format_cursor(seq: int, token: str) -> str:
    return f"{CURSOR_VERSION}.{seq}.{token}"


_CURSOR = re.compile(r"^1\.(0|[1-9][0-9]{0,17})\.([0-9a-f]{1,16})$", re.ASCII)


def parse_cursor(cursor: str) -> tuple[int, str] | None:
    """(seq, token) of a cursor this server wrote, else None (answered 412):
    ASCII digits only (str.isdigit() takes "²", which int() does not) and a
    sequence number a database integer can hold."""
    m = _CURSOR.match(cursor)
    return (int(m.group(1)), m.group(2)) if m else None


def cursor_valid(*, session: Session, seq: int, token: str) -> bool:
    """The change the device saw last is still this server's change number
    `seq` (a restored older backup lacks it or has another one there)."""
    if seq == 0:
        return token == "0"
    row = session.get(Change, seq)
    return row is not None and row.token == token
