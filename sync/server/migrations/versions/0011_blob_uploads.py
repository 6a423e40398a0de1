"""Open uploads in the database (per-device quota, expiry, and the whole
upload state for the object-store backend), and server_state (where the
blobs live after `blobs migrate`).

Revision ID: 0011_blob_uploads
Revises: 0010_lab
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_blob_uploads'
down_revision = '0010_lab'   # after main's head
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blob_uploads',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('touched_at', sa.DateTime(), nullable=False),
    sa.Column('stored', sa.BigInteger(), nullable=False),
    sa.Column('multipart_id', sa.String(length=1024), nullable=False),
    sa.Column('parts', sa.Text(), nullable=False),
    sa.Column('tail', sa.BigInteger(), nullable=False),
    sa.Column('hash_state', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('sha256', 'length', 'owner')
    )
    with op.batch_alter_table('blob_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_blob_uploads_device_id', ['device_id'], unique=False)
        batch_op.create_index('ix_blob_uploads_touched_at', ['touched_at'], unique=False)
    op.create_table('server_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('server_state')
    op.drop_table('blob_uploads')
