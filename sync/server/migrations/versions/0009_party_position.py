"""Parties' position (decimal degrees as text, "" = unknown): the app flags
evidence photos taken far from the party.

Revision ID: 0009_party_position
Revises: 0008_login_throttle
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_party_position'
down_revision = '0008_login_throttle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('longitude', sa.String(length=20), nullable=False, server_default=''))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35, PostgreSQL): a batch
    # copy of `parties` would have to drop a table other tables' keys point at.
    op.execute("ALTER TABLE parties DROP COLUMN longitude")
    op.execute("ALTER TABLE parties DROP COLUMN latitude")
