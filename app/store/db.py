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
from sqlalchemy.pool import NullPool

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


def _migration_pragmas(dbapi_conn, _record) -> None:
    # The driver must not manage transactions: Python's sqlite3 opens one
    # only before INSERT/UPDATE/DELETE, so CREATE/ALTER would each commit on
    # their own and a kill between them left half-made schemas. With the
    # driver in autocommit mode, the "begin" hook below opens one real
    # transaction that covers every DDL statement and the version stamp.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    # Off while tables are rebuilt (batch mode drops and re-creates them; with
    # foreign keys on, dropping a parent would cascade into its children).
    # Checked with foreign_key_check before the commit instead.
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _begin_immediate(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def migration_engine(engine: Engine) -> Engine:
    """An engine for running migrations on the same file as `engine`, whose
    transactions are real SQLite transactions (DDL included). An in-memory
    database has nothing to lose and is migrated on its own engine."""
    if engine.url.database in (None, "", ":memory:"):
        return engine
    m = create_engine(engine.url, poolclass=NullPool)
    event.listen(m, "connect", _migration_pragmas)
    event.listen(m, "begin", _begin_immediate)
    return m


def alembic_config(engine: Engine):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest)."""
    from alembic import command
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An opened, migrated local database."""

    def __init__(self, path: Path | str, *, run_migrations: bool = True):
        self.path = path
        self.engine = make_engine(path)
        if run_migrations:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self._sessions() as s:
            with s.begin():
                yield s

    def close(self) -> None:
        self.engine.dispose()
