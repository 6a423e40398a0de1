"""Server-owned data has one home: the server's sampling rules get their own
table (they replace the packaged rule of their product), and the second copy
of what a pull brought (`sync_pulled`, read only by tests) goes.

What only that copy knew is carried over: the pulled rules, and the tasks a
full refresh had dropped (the master tables never heard of it). Such a task
leaves the store when no visit was started on it; with a visit it stays,
withdrawn as "dropped" (see app.store.master_repo.drop_task).

Revision ID: 0004_server_owned_one_home
Revises: 0003
Create Date: 2026-12-01
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0004_server_owned_one_home"
down_revision = "0003"
branch_labels = None
depends_on = None

_dropped = sa.text(
    "SELECT t.id, t.status, t.data, EXISTS (SELECT 1 FROM visits v WHERE v.task_id = t.id) FROM tasks t"
    " JOIN sync_pulled p ON p.kind = 'task' AND p.entity_id = t.id AND p.withdrawn"
    " WHERE t.withdrawn_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM sync_pulled w WHERE w.kind = 'withdrawal' AND w.entity_id = t.id)")


def upgrade() -> None:
    op.create_table(
        "sampling_rules",
        sa.Column("product", sa.String(100), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    )
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO sampling_rules (product, data, updated_at)"
                         " SELECT entity_id, data, updated_at FROM sync_pulled WHERE kind = 'rule'"))
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    flag = sa.text("UPDATE tasks SET status = :status, data = :data, withdrawn_at = :at, withdrawn_reason = ''"
                   " WHERE id = :id").bindparams(sa.bindparam("at", type_=sa.DateTime()))
    for task_id, status, raw, has_visit in bind.execute(_dropped).all():
        if not has_visit:
            bind.execute(sa.text("DELETE FROM tasks WHERE id = :id"), {"id": task_id})
            continue
        data = json.loads(raw)
        data.setdefault("extra", {})["withdrawn"] = {"kind": "dropped", "reason": "",
                                                     "at": now.replace(tzinfo=timezone.utc).isoformat()}
        status = status if status == "done" else "cancelled"
        data["status"] = status
        bind.execute(flag, {"status": status, "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                            "at": now, "id": task_id})
    op.drop_table("sync_pulled")


def downgrade() -> None:
    op.create_table(
        "sync_pulled",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("entity_id", sa.String(100), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    )
    op.get_bind().execute(sa.text("INSERT INTO sync_pulled (kind, entity_id, data, withdrawn, updated_at)"
                                  " SELECT 'rule', product, data, 0, updated_at FROM sampling_rules"))
    op.drop_table("sampling_rules")
