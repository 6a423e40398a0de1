"""The team that owns a record (the one that made the visit and alone may
amend it), and an amendment's party-signature image as a column.

Revision ID: 0005_record_team
Revises: 0004_console
Create Date: 2026-11-28
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0005_record_team'
down_revision = '0005_enrollment_codes'   # after main's installer migration
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_records_team_id', ['team_id'], unique=False)
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_sha256', sa.String(length=64), nullable=False, server_default=''))
    # Records already stored: the team of the sampler who sent it (the team
    # that made the visit), else the task's team.
    op.execute("UPDATE records SET team_id = (SELECT users.team_id FROM users WHERE users.id = records.user_id)")
    op.execute("UPDATE records SET team_id = (SELECT tasks.team_id FROM tasks WHERE tasks.id = records.task_id) "
               "WHERE team_id IS NULL")
    conn = op.get_bind()
    amendments = sa.table('amendments', sa.column('id', sa.Integer), sa.column('document', sa.Text),
                          sa.column('signature_sha256', sa.String))
    for am_id, document in conn.execute(sa.select(amendments.c.id, amendments.c.document)).all():
        try:
            sha = json.loads(document).get('party_signature_sha256') or ''
        except (ValueError, AttributeError):
            sha = ''
        if isinstance(sha, str) and len(sha) == 64:
            conn.execute(amendments.update().where(amendments.c.id == am_id).values(signature_sha256=sha))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35): rebuilding the
    # table, as batch mode would, fails on the rows that reference it.
    with op.batch_alter_table('amendments', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('signature_sha256')
    op.drop_index('ix_records_team_id', table_name='records')
    with op.batch_alter_table('records', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('team_id')
