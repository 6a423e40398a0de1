"""通知书编号: each task carries the number of its inspection notice, given
in one series per plan (plans.notice_no_format). Tasks assigned before this
revision are numbered in the order they were assigned.

Revision ID: 0012_notice_no
Revises: 0011_blob_uploads
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_notice_no'
down_revision = '0011_blob_uploads'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_no_format', sa.String(length=100), nullable=False, server_default=''))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_no', sa.String(length=120), nullable=False, server_default=''))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, plan_id FROM tasks ORDER BY plan_id, created_at, id")).all()
    seq: dict[str, int] = {}
    for task_id, plan_id in rows:
        seq[plan_id] = seq.get(plan_id, 0) + 1
        bind.execute(sa.text("UPDATE tasks SET notice_no = :no WHERE id = :id"),
                     {"no": f"{plan_id}-{seq[plan_id]:04d}", "id": task_id})


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35, PostgreSQL): a batch
    # copy would have to drop tables other tables' keys point at.
    op.execute("ALTER TABLE tasks DROP COLUMN notice_no")
    op.execute("ALTER TABLE plans DROP COLUMN notice_no_format")
