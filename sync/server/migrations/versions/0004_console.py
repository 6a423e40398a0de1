"""Web console: audit before/after, record search columns, device app version, draws kept for
replay, refusal/problem follow-ups with attached files.

Revision ID: 0004_console
Revises: 0003_login_failures
Create Date: 2026-11-30
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0004_console'
down_revision = '0003_login_failures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN (no batch copy on SQLite: copying
    # `records` would trip the foreign keys of its photos and amendments).
    op.add_column('audit_log', sa.Column('before', sa.JSON(), nullable=True))
    op.add_column('audit_log', sa.Column('after', sa.JSON(), nullable=True))
    op.add_column('devices', sa.Column('app_version', sa.String(length=40), nullable=False, server_default=''))
    for name, length in (('record_no', 64), ('party_name', 300), ('party_address', 300), ('producer', 300),
                         ('trademark', 100), ('spec_model', 100), ('production_date', 50), ('batch_no', 200)):
        op.add_column('records', sa.Column(name, sa.String(length=length), nullable=False, server_default=''))
    op.add_column('records', sa.Column('remarks', sa.Text(), nullable=False, server_default=''))
    op.add_column('records', sa.Column('sampled_on', sa.String(length=10), nullable=False, server_default=''))
    op.add_column('records', sa.Column('late_entry', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('ix_records_record_no', 'records', ['record_no'], unique=False)
    op.create_index('ix_records_sampled_on', 'records', ['sampled_on'], unique=False)
    _backfill_records()
    op.create_table('draws',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_item_id', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('due_date', sa.String(length=10), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('teams', sa.JSON(), nullable=False),
    sa.Column('drawn', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_draws_plan_item_id', 'draws', ['plan_item_id'], unique=False)
    op.create_table('followups',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('determination_done', sa.Boolean(), nullable=False),
    sa.Column('determined_on', sa.String(length=10), nullable=False),
    sa.Column('reported_to_province', sa.Boolean(), nullable=False),
    sa.Column('reported_on', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('record_id')
    )
    op.create_table('followup_files',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_followup_files_record_id', 'followup_files', ['record_id'], unique=False)


def _backfill_records() -> None:
    """Records received before this revision: copy the listed fields out of
    their stored document (as records/fields.py does on receipt)."""
    from sync.server.db import UTCDateTime
    from sync.server.records.fields import PATHS, amended, from_document, timing
    conn = op.get_bind()
    utc = UTCDateTime()
    rows = conn.execute(sa.select(sa.column("id"), sa.column("document"), sa.column("finished_at", utc),
                                  sa.column("device_time", utc), sa.column("received_at", utc))
                        .select_from(sa.table("records"))).fetchall()
    sets = ", ".join(f"{col} = :{col}" for col in (*PATHS, "sampled_on", "late_entry"))
    for rid, document, finished_at, device_time, received_at in rows:
        try:
            doc = json.loads(document)
        except ValueError:
            doc = {}
        values = {**from_document(doc), **timing(finished_at=finished_at, device_time=device_time,
                                                 received_at=received_at)}
        for (text,) in conn.execute(sa.text("SELECT document FROM amendments WHERE record_id = :id ORDER BY id"),
                                    {"id": rid}):
            try:
                change = json.loads(text)
            except ValueError:
                continue
            values.update(amended(str(change.get("path") or ""), str(change.get("new_value") or "")))
        conn.execute(sa.text(f"UPDATE records SET {sets} WHERE id = :id"), {**values, "id": rid})


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch copy:
    # copying `records` would trip the foreign keys of its photos and amendments.
    op.drop_table('followup_files')
    op.drop_table('followups')
    op.drop_index('ix_draws_plan_item_id', table_name='draws')
    op.drop_table('draws')
    op.drop_index('ix_records_record_no', table_name='records')
    op.drop_index('ix_records_sampled_on', table_name='records')
    for name in ('record_no', 'party_name', 'party_address', 'producer', 'trademark', 'spec_model', 'production_date',
                 'batch_no', 'remarks', 'sampled_on', 'late_entry'):
        op.drop_column('records', name)
    op.drop_column('devices', 'app_version')
    op.drop_column('audit_log', 'after')
    op.drop_column('audit_log', 'before')
