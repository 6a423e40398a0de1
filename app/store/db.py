"""SQLite engine, sessions and migrations for the local store.

WAL mode so a reader never blocks the autosave writer, synchronous=FULL so a
committed step survives power loss (a laptop battery dies on a cold forecourt),
foreign keys on. The schema is created only by Alembic migrations.

Two threads write this file: the GUI's DB worker (autosave) and the sync
thread. The rule that keeps both safe: one writer per transaction.
`Database.session()` is a unit of work that may write; it starts with
BEGIN IMMEDIATE, so it holds the write lock from its first read and a
read-then-write never works on a stale read (no lost update) nor fails
half-way with SQLITE_BUSY: a second writer waits for the first at BEGIN
(busy_timeout). `Database.read()` is a read-only snapshot (BEGIN DEFERRED)
that never waits for a writer. Hold neither across network or file work.
A session opened on a thread that already has one joins it (one
transaction; a nested session() is a savepoint).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


# How long a writer waits for the other thread's transaction before SQLITE_BUSY.
# Transactions are short (no network or file work inside); a pull of a
# province's worth of tasks is the longest, well under this.
BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "field_sampler_read_only"      # execution option of read() sessions


class ReadOnlyViolation(RuntimeError):
    """A change made in a read() session: use session() for a write."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # pysqlite would BEGIN (deferred) only at the first INSERT/UPDATE, after
    # the reads a change is based on; _begin below says when instead.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _begin(conn) -> None:
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def make_engine(path: Path | str) -> Engine:
    url = f"sqlite:///{path}" if str(path) != ":memory:" else "sqlite://"
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def _refuse_changes(session: Session, _context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("a change in a read-only session: use Database.session()")


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
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
    try:
        command.upgrade(cfg, revision)
    except Exception as e:
        if copy is None:
            raise
        # Each migration is atomic, but the data must be exactly as before
        # the upgrade began: put the copy back (no connection may stay open).
        from app.store.backup import restore
        engine.dispose()
        restore(copy, Path(engine.url.database))
        raise UpgradeFailed(copy) from e
    return copy


class UpgradeFailed(Exception):
    """A newer app could not migrate the data folder; the database was put
    back as it was before the upgrade (`backup`: the copy it came from)."""

    def __init__(self, backup: Path):
        super().__init__(f"upgrade failed; the database was restored from {backup}")
        self.backup = backup


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
        self._reads = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
        event.listen(self._reads, "before_flush", _refuse_changes)
        self._local = threading.local()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work that may write: committed when the block ends,
        rolled back on error. Holds the write lock from its start."""
        outer = getattr(self._local, "session", None)
        if outer is not None:
            if outer.info.get(READ_ONLY):
                raise ReadOnlyViolation("a write unit of work inside a read() block")
            with outer.begin_nested():      # a failure undoes this part only, as on its own
                yield outer
            return
        with self._open(self._sessions) as s:
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent read-only snapshot; never waits for a writer. Inside
        a session() on the same thread it is that session (sees its changes)."""
        outer = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        with self._open(self._reads, read=True) as s:
            yield s

    @contextmanager
    def _open(self, factory, *, read: bool = False) -> Iterator[Session]:
        with factory() as s:
            s.info[READ_ONLY] = read
            self._local.session = s
            try:
                with s.begin():
                    yield s
            finally:
                self._local.session = None

    def close(self) -> None:
        self.engine.dispose()
