"""A migration killed at any statement leaves a store that opens (issue:
the laptop's store under the worst day, point 1).

For a first start on an empty folder and for an upgrade from every earlier
revision holding an unsynced visit, the app is killed (SIGKILL) just before
each SQL statement in turn. Afterwards the store must be at the old or the
new revision, never in between, must open (which finishes the upgrade), and
must still hold the visit and its outbox entry."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.store.db import Database, alembic_config, current_revision, make_engine, migrate

KILLER = Path(__file__).with_name("migration_killer.py")
ROOT = Path(__file__).resolve().parents[2]


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(make_engine(":memory:")))
    return [r.revision for r in reversed(list(script.walk_revisions()))]   # oldest first


REVISIONS = _revisions()
HEAD = REVISIONS[-1]


def _dummy(decl_type: str, name: str):
    t = (decl_type or "").upper()
    if "INT" in t or "BOOL" in t:
        return 0
    if "DATETIME" in t or "TIMESTAMP" in t:
        return "2022-11-15 10:30:00.000000"
    if "BLOB" in t or "BINARY" in t:
        return b"x"
    return f"{name}-kill"


def _insert(con: sqlite3.Connection, table: str, values: dict) -> None:
    """A row with `values`, other NOT NULL columns without default filled
    with plausible placeholders (works for the table's shape at any revision)."""
    row = dict(values)
    for _cid, name, decl, notnull, default, pk in con.execute(f"PRAGMA table_info({table})"):
        if name not in row and notnull and default is None and not pk:
            row[name] = _dummy(decl, name)
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _store_at(path: Path, revision: str) -> None:
    engine = make_engine(path)
    migrate(engine, revision)
    engine.dispose()
    con = sqlite3.connect(path)
    _insert(con, "visits", {"id": "v-kill", "record_no": "R-KILL", "party_name": "某某加油站（未同步）",
                            "status": "signed", "doc": "{}"})
    if "outbox" in _tables(con):
        _insert(con, "outbox", {"visit_id": "v-kill"} if "visit_id" in
                {r[1] for r in con.execute("PRAGMA table_info(outbox)")} else {})
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _sweep(template: Path, out: Path) -> int:
    out.mkdir()
    done = subprocess.run([sys.executable, str(KILLER), str(template), str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def _revision_of(path: Path) -> str | None:
    con = sqlite3.connect(path)
    try:
        if "alembic_version" not in _tables(con):
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def test_first_start_killed_before_every_statement_opens(tmp_path):
    kills = _sweep(tmp_path / "none.sqlite", tmp_path / "runs")
    assert kills > 10                       # every CREATE, index and trigger was a kill point
    for k in range(kills):
        path = tmp_path / "runs" / f"{k}.sqlite"
        at = _revision_of(path)
        assert at in (None, HEAD), f"kill point {k}: left at {at}"
        if at is None:                       # nothing committed: no half-made tables either
            con = sqlite3.connect(path)
            assert _tables(con) <= {"alembic_version"}, f"kill point {k}: {_tables(con)}"
            con.close()
        db = Database(path)
        assert current_revision(db.engine) == HEAD
        db.close()


@pytest.mark.parametrize("start", REVISIONS[:-1])
def test_upgrade_killed_before_every_statement_keeps_the_unsynced_visit(tmp_path, start):
    template = tmp_path / "template.sqlite"
    _store_at(template, start)
    kills = _sweep(template, tmp_path / "runs")
    assert kills > 0
    for k in range(kills):
        path = tmp_path / "runs" / f"{k}.sqlite"
        at = _revision_of(path)
        assert at in (start, HEAD), f"kill point {k}: left at {at}"
        db = Database(path)                  # opens, and finishes the upgrade
        assert current_revision(db.engine) == HEAD
        db.close()
        con = sqlite3.connect(path)
        assert con.execute("SELECT party_name FROM visits WHERE id='v-kill'").fetchone() == ("某某加油站（未同步）",)
        if "outbox" in _tables(con) and start != REVISIONS[0]:
            assert con.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
