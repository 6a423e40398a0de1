"""Withdrawn tasks (改派) get their own columns instead of a cancellation
whose reason starts with "已改派给其他抽样组：".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The convention this revision replaces (kept here so both directions work).
PREFIX = "已改派给其他抽样组："

_rows = sa.text("SELECT id, status, data, updated_at FROM tasks")


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _when(text: str | None, fallback) -> datetime:
    if text:
        try:
            return datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None)
        except ValueError:
            pass
    if isinstance(fallback, datetime):
        return fallback
    return datetime.fromisoformat(fallback) if fallback else datetime.now(timezone.utc).replace(tzinfo=None)


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    update = sa.text("UPDATE tasks SET data = :data, withdrawn_at = :at, withdrawn_reason = :reason WHERE id = :id") \
        .bindparams(sa.bindparam("at", type_=sa.DateTime()))
    for task_id, status, raw, updated_at in bind.execute(_rows).all():
        data = json.loads(raw)
        extra = data.setdefault("extra", {})
        cancel_reason = data.get("cancel_reason") or ""
        moved = extra.get("withdrawn")
        prefixed = status == "cancelled" and cancel_reason.startswith(PREFIX)
        if moved is None and not prefixed:
            continue            # an ordinary task or a real cancellation: untouched
        reason = (moved or {}).get("reason") or cancel_reason[len(PREFIX):]
        at = _when((moved or {}).get("at"), updated_at)
        if moved is None:
            extra["withdrawn"] = {"kind": "reassigned", "reason": reason, "at": at.isoformat()}
        if prefixed:
            data["cancel_reason"] = ""      # it was never cancelled: the flag says what happened
        bind.execute(update, {"data": _dump(data), "at": at, "reason": reason if reason != "—" else "", "id": task_id})


def downgrade() -> None:
    bind = op.get_bind()
    rows = sa.text("SELECT id, status, data, withdrawn_reason FROM tasks WHERE withdrawn_at IS NOT NULL")
    for task_id, status, raw, reason in bind.execute(rows).all():
        data = json.loads(raw)
        if status == "cancelled":
            data["cancel_reason"] = PREFIX + (reason or "—")
            bind.execute(sa.text("UPDATE tasks SET data = :data WHERE id = :id"), {"data": _dump(data), "id": task_id})
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")
