"""Sign-in throttling: one counter row per key (account from an address,
address, account, enrolled laptop), locked while an attempt is reserved, and
the addresses each account has signed in from. Replaces the failure log
(transient data: nothing to carry over).

Revision ID: 0008_login_throttle
Revises: 0007_blob_holders
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_login_throttle'
down_revision = '0007_blob_holders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('login_failures')
    op.create_table('login_counters',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('login_counters', schema=None) as batch_op:
        batch_op.create_index('ix_login_counters_last_failure_at', ['last_failure_at'], unique=False)
    op.create_table('login_known',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('login_known')
    op.drop_table('login_counters')
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_key', ['key'], unique=False)
        batch_op.create_index('ix_login_failures_at', ['at'], unique=False)
