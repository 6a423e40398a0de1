"""Append to and read the audit log."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.audit.models import AuditEntry


def log(*, session: Session, actor: str, action: str, target: str = "",
        device_id: str | None = None, detail: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    session.add(AuditEntry(actor=actor, device_id=device_id, action=action, target=target,
                           detail=detail or {}, before=before, after=after))


def recent(*, session: Session, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action == action)
    return list(session.scalars(q))
