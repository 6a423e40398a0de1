"""SQLite engine, sessions and migrations for the local store.

WAL mode so a reader never blocks the autosave writer, synchronous=FULL so a
committed step survives power loss (a laptop battery dies on a cold forecourt),
foreign keys on. The schema is created only by Alembic migrations.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(path: Path | str) -> Engine:
    url = f"sqlite:///{path}" if str(path) != ":memory:" else "sqlite://"
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head", *, backup: bool = False) -> Path | None:
    """Bring the database to `revision` (default: the newest). backup=True:
    when an existing database is behind, first copy it consistently
    (app.store.backup) and return the copy's path."""
    from alembic import command
    cfg = alembic_config(engine)
    copy = None
    if backup and engine.url.database not in (None, "", ":memory:"):
        from alembic.script import ScriptDirectory

        from app.store.backup import backup_before_upgrade
        current = current_revision(engine)
        if current is not None and current != ScriptDirectory.from_config(cfg).get_current_head():
            copy = backup_before_upgrade(Path(engine.url.database), current)
    command.upgrade(cfg, revision)
    return copy


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An opened, migrated local database."""

    def __init__(self, path: Path | str, *, run_migrations: bool = True):
        self.path = path
        self.engine = make_engine(path)
        self.upgrade_backup: Path | None = None     # the copy made before an upgrade migrated it
        if run_migrations:
            self.upgrade_backup = migrate(self.engine, backup=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self._sessions() as s:
            with s.begin():
                yield s

    def close(self) -> None:
        self.engine.dispose()
