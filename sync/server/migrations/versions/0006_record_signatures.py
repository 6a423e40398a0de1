"""The sending device's Ed25519 signature over each record's and each
amendment's hash. Rows stored before signatures were required keep NULL.

Revision ID: 0006_record_signatures
Revises: 0005_record_team
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_record_signatures'
down_revision = '0005_record_team'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('records', 'amendments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('signature', sa.String(length=100), nullable=True))


def downgrade() -> None:
    for table in ('amendments', 'records'):      # in place: see 0004's downgrade
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('signature')
