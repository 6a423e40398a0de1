"""One-time enrollment codes, and the published app release.

Revision ID: 0005_enrollment_codes
Revises: 0004_console
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_enrollment_codes'
down_revision = '0004_console'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enrollment_codes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_sha256')
    )
    with op.batch_alter_table('enrollment_codes', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_codes_user_id', ['user_id'], unique=False)
    op.create_table('app_releases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('download_url', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('app_releases')
    with op.batch_alter_table('enrollment_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_codes_user_id')
    op.drop_table('enrollment_codes')
