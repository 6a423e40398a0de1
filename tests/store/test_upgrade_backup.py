"""A new version opening a data folder made by the previous schema revision,
with unsynced records and their photos: the database is first copied
consistently with SQLite's backup API, then migrated; every record and
photo is still there, byte for byte. The backup itself is a complete,
consistent database even while another connection writes."""
from __future__ import annotations

import hashlib
import sqlite3
import threading

from alembic import command

from app.services.workspace import Workspace
from app.store import backup
from app.store.db import alembic_config, current_revision, make_engine
from app.store.paths import database_path
from tests.conftest import signature_png
from tests.scenarios import complete_visit

PREVIOUS = "0002"


def _outbox(path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT client_id, status, record_hash, canonical, photo_hashes FROM sync_outbox"
                           " ORDER BY position").fetchall()
    finally:
        con.close()


def _old_data_folder(tmp_path, seeded, make_jpeg):
    """Two finished visits queued (unsynced), then the schema taken back to
    the previous revision, as the previous release left it."""
    for task in ("t-gas-1", "t-gas-2"):
        complete_visit(seeded, make_jpeg, signature_png, task_id=task)
    data = seeded.data_dir
    photos = {p.name: p.read_bytes() for p in (data / "evidence" / "objects").rglob("*") if p.is_file()}
    seeded.close()
    path = database_path(data)
    engine = make_engine(path)
    command.downgrade(alembic_config(engine), PREVIOUS)
    assert current_revision(engine) == PREVIOUS
    engine.dispose()
    return data, path, photos


def test_upgrade_backs_up_then_migrates_and_keeps_every_record_and_photo(tmp_path, seeded, make_jpeg, clock):
    data, path, photos = _old_data_folder(tmp_path, seeded, make_jpeg)
    before = _outbox(path)
    assert len(before) == 2 and {r[1] for r in before} == {"pending"}
    assert len(photos) >= 12

    ws = Workspace(data, clock=clock)                 # the new version opens the folder
    try:
        copy = ws.db.upgrade_backup
        assert copy is not None and copy.parent == data / "backups" and PREVIOUS in copy.name
        assert current_revision(ws.db.engine) != PREVIOUS
        # the backup is the database as it was: same revision, same records, intact
        con = sqlite3.connect(copy)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == PREVIOUS
        con.close()
        assert _outbox(copy) == before
        # nothing lost in the upgraded database either
        assert _outbox(path) == before
        for _cid, _st, record_hash, canonical, _photos in before:
            assert hashlib.sha256(canonical).hexdigest() == record_hash
        for sha, data_bytes in photos.items():
            assert ws.evidence.verify(sha) and ws.evidence.read(sha) == data_bytes
        from app.services.export import unsynced_count
        assert unsynced_count(ws) == 2
    finally:
        ws.close()
    # opening again at the same revision makes no new backup
    ws = Workspace(data, clock=clock)
    try:
        assert ws.db.upgrade_backup is None
        assert len(list((data / "backups").glob("*.sqlite"))) == 1
    finally:
        ws.close()


def test_a_failed_upgrade_restores_the_database_and_says_so(tmp_path, seeded, make_jpeg, clock):
    """The issue's failure: a store where 0003's column already exists (a
    half-applied upgrade by a killed older build). The upgrade fails; the
    database is the copy from before it began, every unsynced record is
    there, and the sampler is told what happened in plain words."""
    import pytest

    from app.services.failures import user_text
    from app.store.db import UpgradeFailed
    data, path, _photos = _old_data_folder(tmp_path, seeded, make_jpeg)
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE tasks ADD COLUMN withdrawn_at DATETIME")
    con.commit()
    con.close()
    before = _outbox(path)
    with pytest.raises(UpgradeFailed) as failed:
        Workspace(data, clock=clock)
    copy = failed.value.backup
    assert copy.parent == data / "backups" and copy.exists()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == PREVIOUS
    finally:
        con.close()
    assert _outbox(path) == before and len(before) == 2
    zh, en = user_text(failed.value, "zh_CN"), user_text(failed.value, "en")
    assert "数据已恢复为升级前的状态" in zh and str(copy) in zh and "duplicate" not in zh
    assert "restored to how it was before the upgrade" in en


def test_a_backup_is_consistent_while_another_connection_writes(tmp_path):
    path = tmp_path / "db.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (i INTEGER PRIMARY KEY, pad TEXT)")
    con.commit()
    stop = threading.Event()

    def write() -> None:
        w = sqlite3.connect(path)
        i = 0
        while not stop.is_set():
            i += 1
            w.execute("INSERT INTO t (pad) VALUES (?)", ("x" * 500,))
            w.execute("INSERT INTO t (pad) VALUES (?)", ("y" * 500,))
            w.commit()                       # rows arrive in pairs: a torn copy would show an odd count
        w.close()
    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [backup.backup_sqlite(path, tmp_path / f"copy{n}.sqlite") for n in range(5)]
    finally:
        stop.set()
        writer.join()
    for c in copies:
        db = sqlite3.connect(c)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"   # one file, no -wal needed
        assert db.execute("SELECT count(*) FROM t").fetchone()[0] % 2 == 0
        db.close()
        assert not c.with_name(c.name + "-wal").exists()


def test_restore_puts_the_backup_back_and_old_backups_are_pruned(tmp_path):
    path = tmp_path / "field-sampler.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (v TEXT)")
    con.execute("INSERT INTO t VALUES ('before')")
    con.commit()
    copies = [backup.backup_before_upgrade(path, f"r{n}", keep=2) for n in range(4)]
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == sorted(p.name for p in copies[-2:])
    con.execute("DELETE FROM t")
    con.execute("INSERT INTO t VALUES ('broken by a failed upgrade')")
    con.commit()
    con.close()
    backup.restore(copies[-1], path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT v FROM t").fetchall() == [("before",)]
    con.close()
