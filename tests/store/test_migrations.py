"""Alembic: an empty database upgrades to head, and a database made at the
first revision (with data in it) upgrades cleanly and keeps its data."""
from __future__ import annotations

import sqlite3

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.store.db import Base, Database, alembic_config, current_revision, make_engine, migrate


def _heads(engine):
    return ScriptDirectory.from_config(alembic_config(engine)).get_heads()


def test_empty_database_upgrades_to_head_matching_the_models(tmp_path):
    engine = make_engine(tmp_path / "a.sqlite")
    migrate(engine)
    assert [current_revision(engine)] == _heads(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    # Columns of every model exist in the migrated schema.
    insp = inspect(engine)
    for name, table in Base.metadata.tables.items():
        assert {c.name for c in table.columns} <= {c["name"] for c in insp.get_columns(name)}, name


def test_first_revision_with_data_upgrades_cleanly(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    migrate(engine, "0001")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO visits (id, record_no, task_id, plan_id, plan_item_id, party_key, party_name, product,"
                " status, step, record_hash, doc) VALUES ('v1','R-1','t','2022-4','i','k','某加油站','车用汽油',"
                " 'in_progress','party','', '{}')")
    con.commit()
    con.close()
    db = Database(path)                      # opening migrates to head
    assert [current_revision(db.engine)] == _heads(db.engine)
    con = sqlite3.connect(path)
    assert con.execute("SELECT party_name FROM visits WHERE id='v1'").fetchone() == ("某加油站",)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
    db.close()


def test_downgrade_to_first_revision_and_back(tmp_path):
    from alembic import command
    engine = make_engine(tmp_path / "b.sqlite")
    migrate(engine)
    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    migrate(engine)
    assert [current_revision(engine)] == _heads(engine)
