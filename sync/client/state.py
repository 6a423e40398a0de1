"""Small key/value facts of the sync client (cursor, server URL, device id)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.store.sync_models import SyncStateRow


def get(session: Session, key: str) -> str | None:
    row = session.get(SyncStateRow, key)
    return row.value if row else None


def put(session: Session, key: str, value: str | None) -> None:
    row = session.get(SyncStateRow, key)
    if value is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(SyncStateRow(key=key, value=value))
    else:
        row.value = value
