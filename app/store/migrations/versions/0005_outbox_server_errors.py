"""The outbox counts the deliveries of each item that ended in a server fault
(5xx): a record the server keeps failing on is set aside after a few, with
the server's message, instead of being retried for ever.

Revision ID: 0005_outbox_server_errors
Revises: 0004_server_owned_one_home
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_outbox_server_errors"
down_revision = "0004_server_owned_one_home"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("server_errors", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_column("server_errors")
