"""Task moves (改派): a task reassigned to another team, kept so the former
team's devices learn of the withdrawal.

Revision ID: 0002_task_moves
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_task_moves'
down_revision = '0001'      # the initial revision's id (file 0001_initial.py)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_moves',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('from_team_id', sa.String(length=64), nullable=False),
    sa.Column('from_agency_id', sa.String(length=64), nullable=False),
    sa.Column('to_team_id', sa.String(length=64), nullable=False),
    sa.Column('to_agency_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ),
    sa.ForeignKeyConstraint(['from_team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['to_team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['from_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['to_agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_moves_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_moves_from_team_id'), ['from_team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_moves_from_team_id'))
        batch_op.drop_index(batch_op.f('ix_task_moves_task_id'))
    op.drop_table('task_moves')
