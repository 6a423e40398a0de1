"""Migration 0004_console on SQLite and PostgreSQL: it matches the models,
goes down and up, and fills the new record columns of records received
before it from their documents, as a record arriving now gets them."""
from __future__ import annotations

import itertools

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from sync.server import models  # noqa: F401  (every table in the metadata)
from sync.server.blobs.store import DiskBlobStore
from sync.server.db import Base, Database, alembic_config
from sync.server.demo import seed
from sync.server.demo.history import seed_history
from sync.server.records.models import Record
from tests.sync.pgcluster import PgCluster

NEW = ("record_no", "party_name", "party_address", "producer", "trademark", "spec_model", "production_date",
       "batch_no", "remarks", "sampled_on", "late_entry")


@pytest.fixture(scope="module")
def pg():
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'server.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg").create_database(f"fs_migration_{next(_databases)}"))
    database = Database(url)
    yield database
    database.close()


def test_0004_matches_the_models_and_backfills_old_records(db, tmp_path):
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if any(name in repr(d) for name in ("draws", "followup", "audit_log", "app_version",
                                                                  *NEW))]
    assert mine == []
    with db.session() as s:
        info = seed(session=s)
        assert seed_history(session=s, store=DiskBlobStore(tmp_path / "blobs"), password=info.password) >= 55
    with db.session() as s:
        before = {r.id: tuple(getattr(r, c) for c in NEW) for r in s.scalars(select(Record))}
    assert sum(1 for v in before.values() if v[-1]) >= 3          # some late e-CQS entries among them
    url = db.engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url, db.engine), "0003_login_failures")
    command.upgrade(alembic_config(url, db.engine), "head")
    db.sessions.configure(bind=db.engine)
    with db.session() as s:
        after = {r.id: tuple(getattr(r, c) for c in NEW) for r in s.scalars(select(Record))}
    assert after == before


def test_0005_lab_matches_the_models_goes_down_and_up_and_finds_devices_by_key_id(db):
    """The lab's tables, the devices' seal key id (filled for devices
    enrolled before it), the plan's report date."""
    import base64
    import hashlib

    from sync.server.devices.models import Device
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if any(n in repr(d) for n in ("lab_", "seal_key_id", "reports_due"))] == []
    with db.session() as s:
        seed(session=s)
        keys = {d.id: d.public_key for d in s.scalars(select(Device).where(Device.public_key != ""))}
    url = db.engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url, db.engine), "0004_console")
    with db.engine.begin() as conn:                       # a laptop enrolled before the lab existed
        conn.exec_driver_sql("INSERT INTO devices (id, user_id, kind, name, public_key, token_sha256, created_at, "
                             "expires_at, app_version) SELECT 'd-old', id, 'device', 'old', "
                             f"'{base64.b64encode(b'k' * 32).decode()}', 'x' || id, created_at, created_at, '' "
                             "FROM users WHERE username = 'demo'")
    command.upgrade(alembic_config(url, db.engine), "head")
    db.sessions.configure(bind=db.engine)
    with db.session() as s:
        old = s.get(Device, "d-old")
        assert old.seal_key_id == hashlib.sha256(b"k" * 32).digest()[:4].hex()
        for device_id, key in keys.items():
            assert s.get(Device, device_id).seal_key_id == hashlib.sha256(base64.b64decode(key)).digest()[:4].hex()


def test_0012_notice_numbers_match_the_models_and_number_older_tasks_in_assignment_order(db):
    from sync.server.tasks.models import Task
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "notice_no" in repr(d)] == []
    with db.session() as s:
        seed(session=s)
    url = db.engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url, db.engine), "0011_blob_uploads")    # tasks assigned before numbering
    command.upgrade(alembic_config(url, db.engine), "head")
    db.sessions.configure(bind=db.engine)
    with db.session() as s:
        tasks = s.scalars(select(Task).order_by(Task.created_at, Task.id)).all()
    assert len(tasks) >= 3
    by_plan: dict[str, list[str]] = {}
    for t in tasks:
        by_plan.setdefault(t.plan_id, []).append(t.notice_no)
    for plan_id, numbers in by_plan.items():
        assert numbers == [f"{plan_id}-{n:04d}" for n in range(1, len(numbers) + 1)]
