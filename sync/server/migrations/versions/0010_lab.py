"""The inspection lab: samples received by their seals, blind codes, custody,
results, advice letters, deliveries, disposal, shipments; devices found by
the key id a seal names; the plan's date for delivered reports.

Revision ID: 0010_lab
Revises: 0009_party_position
Create Date: 2026-12-01
"""
import base64
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0010_lab'
down_revision = '0009_party_position'
branch_labels = None
depends_on = None


def _backfill_key_ids() -> None:
    conn = op.get_bind()
    devices = sa.table('devices', sa.column('id', sa.String), sa.column('public_key', sa.Text),
                       sa.column('seal_key_id', sa.String))
    for device_id, key in conn.execute(sa.select(devices.c.id, devices.c.public_key)).all():
        if not key:
            continue
        try:
            kid = hashlib.sha256(base64.b64decode(key)).digest()[:4].hex()
        except ValueError:
            continue
        conn.execute(devices.update().where(devices.c.id == device_id).values(seal_key_id=kid))


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_key_id', sa.String(length=8), nullable=False, server_default=''))
        batch_op.create_index('ix_devices_seal_key_id', ['seal_key_id'], unique=False)
    _backfill_key_ids()
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reports_due', sa.String(length=10), nullable=False, server_default=''))

    op.create_table('lab_blind',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('conclusion', sa.String(length=8), nullable=False),
    sa.Column('report_no', sa.String(length=64), nullable=False),
    sa.Column('report_date', sa.String(length=10), nullable=False),
    sa.Column('testing_ended_on', sa.String(length=10), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=False),
    sa.Column('result_by', sa.String(length=64), nullable=False),
    sa.Column('result_at', sa.DateTime(), nullable=True),
    sa.Column('ecqs_entered_on', sa.String(length=10), nullable=False),
    sa.Column('province_sent_on', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('visit_id')
    )
    op.create_index('ix_lab_blind_agency_id', 'lab_blind', ['agency_id'], unique=False)
    op.create_index('ix_lab_blind_conclusion', 'lab_blind', ['conclusion'], unique=False)
    op.create_table('lab_samples',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('seal_no', sa.String(length=128), nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('expected_visit_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('sealed_at', sa.DateTime(), nullable=False),
    sa.Column('hash_prefix', sa.String(length=16), nullable=False),
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.Column('scanned_by', sa.String(length=64), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('override_by', sa.String(length=64), nullable=False),
    sa.Column('seal_intact', sa.Boolean(), nullable=False),
    sa.Column('matches_form', sa.Boolean(), nullable=False),
    sa.Column('quantity_ok', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('blind_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.ForeignKeyConstraint(['blind_id'], ['lab_blind.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for col in ('agency_id', 'status', 'seal_no', 'visit_id', 'record_id', 'decided_at', 'blind_id'):
        op.create_index(f'ix_lab_samples_{col}', 'lab_samples', [col], unique=False)
    op.create_table('lab_photos',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['lab_samples.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_lab_photos_sample_id', 'lab_photos', ['sample_id'], unique=False)
    op.create_index('ix_lab_photos_sha256', 'lab_photos', ['sha256'], unique=False)
    op.create_table('lab_failed_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('blind_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('requirement', sa.String(length=300), nullable=False),
    sa.Column('measured', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['blind_id'], ['lab_blind.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_lab_failed_items_blind_id', 'lab_failed_items', ['blind_id'], unique=False)
    op.create_table('lab_advice',
    sa.Column('blind_id', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.String(length=10), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['blind_id'], ['lab_blind.id'], ),
    sa.PrimaryKeyConstraint('blind_id')
    )
    op.create_table('lab_deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('blind_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('tracking_no', sa.String(length=64), nullable=False),
    sa.Column('delivered_on', sa.String(length=10), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['blind_id'], ['lab_blind.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('blind_id', 'recipient')
    )
    op.create_index('ix_lab_deliveries_blind_id', 'lab_deliveries', ['blind_id'], unique=False)
    op.create_table('lab_custody',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['lab_samples.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_lab_custody_sample_id', 'lab_custody', ['sample_id'], unique=False)
    op.create_table('lab_disposals',
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('disposed_on', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sample_id'], ['lab_samples.id'], ),
    sa.PrimaryKeyConstraint('sample_id')
    )
    op.create_table('lab_shipments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('courier', sa.String(length=100), nullable=False),
    sa.Column('tracking_no', sa.String(length=64), nullable=False),
    sa.Column('sent_on', sa.String(length=10), nullable=False),
    sa.Column('deadline', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id')
    )
    op.create_index('ix_lab_shipments_agency_id', 'lab_shipments', ['agency_id'], unique=False)
    op.create_index('ix_lab_shipments_received_at', 'lab_shipments', ['received_at'], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch copy:
    # copying `plans` would trip the foreign keys of its plan items.
    for table in ('lab_shipments', 'lab_disposals', 'lab_custody', 'lab_deliveries', 'lab_advice', 'lab_failed_items',
                  'lab_photos', 'lab_samples', 'lab_blind'):
        op.drop_table(table)
    op.drop_column('plans', 'reports_due')
    op.drop_index('ix_devices_seal_key_id', table_name='devices')
    op.drop_column('devices', 'seal_key_id')
