"""Who holds each blob: the devices that uploaded its bytes (proof of
possession). Blobs stored before: their first uploader, if a sampler.

Revision ID: 0007_blob_holders
Revises: 0006_record_signatures
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_blob_holders'
down_revision = '0006_record_signatures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blob_holders',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'device_id')
    )
    with op.batch_alter_table('blob_holders', schema=None) as batch_op:
        batch_op.create_index('ix_blob_holders_team_id', ['team_id'], unique=False)
    op.execute(
        "INSERT INTO blob_holders (sha256, device_id, team_id, agency_id, at) "
        "SELECT blobs.sha256, blobs.device_id, users.team_id, COALESCE(users.agency_id, ''), blobs.stored_at "
        "FROM blobs JOIN devices ON devices.id = blobs.device_id JOIN users ON users.id = devices.user_id "
        "WHERE users.team_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table('blob_holders')
