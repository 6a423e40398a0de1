"""A consistent copy of the local SQLite database, made with SQLite's online
backup API (never a file copy: with WAL, the -wal file holds committed
transactions the main file does not have yet, and a copy taken while the
app writes can be torn).

Used before an upgrade migrates the schema (app.store.db.Database), so a
new version that fails halfway leaves the sampler's records recoverable;
restore() puts such a copy back.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

BACKUP_DIR = "backups"
KEEP = 5       # upgrade backups kept per data folder (the newest)


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy the database `source` to `target` (a new file) consistently,
    whatever other connections are doing; fsync'ed before it counts."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")   # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return target


def backup_before_upgrade(db_path: Path, from_revision: str, *, keep: int = KEEP,
                          now: datetime | None = None) -> Path:
    """<data>/backups/field-sampler-<revision>-<UTC time>.sqlite; older
    upgrade backups beyond `keep` are removed."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(db_path).parent / BACKUP_DIR
    target = backup_sqlite(Path(db_path), folder / f"{Path(db_path).stem}-{from_revision}-{stamp}.sqlite")
    for old in sorted(folder.glob(f"{Path(db_path).stem}-*.sqlite"), key=lambda p: p.stat().st_mtime_ns)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def restore(backup: Path, db_path: Path) -> None:
    """Put a backup back in place of db_path (no connection may be open):
    the WAL and shared-memory files of the failed database go with it."""
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    backup_sqlite(backup, db_path.with_name(db_path.name + ".restoring"))
    os.replace(db_path.with_name(db_path.name + ".restoring"), db_path)
