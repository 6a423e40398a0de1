"""Sign-in failures in the database (rate limit shared by worker processes).

Revision ID: 0003_login_failures
Revises: 0002_task_moves
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_login_failures'
down_revision = '0002_task_moves'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_key', ['key'], unique=False)
        batch_op.create_index('ix_login_failures_at', ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('login_failures')
