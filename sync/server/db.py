"""Server database: engine, sessions, migrations, a UTC datetime type.

SQLite is the embedded default (WAL; every transaction BEGIN IMMEDIATE so two
writers never race into SQLITE_BUSY halfway); PostgreSQL via psycopg 3 when
the URL says so. The schema is created only by Alembic migrations.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.domain.times import as_utc, utc_naive, utc_now
from sync.server import guard

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


utcnow = utc_now      # app.domain.times: one UTC/China-time helper for the whole tree


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both SQLite (no tz support) and PostgreSQL."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return utc_naive(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)

    def result_processor(self, dialect, coltype):
        """A stored value that is no time (SQLite text) loads as None rather
        than failing the query (sync.server.guard: reads survive any value)."""
        process = super().result_processor(dialect, coltype)

        def tolerant(value):
            try:
                return process(value) if process else value
            except (ValueError, TypeError, OverflowError):
                return None
        return tolerant


def normalize_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _rec):
            dbapi_conn.isolation_level = None   # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return engine
    # No pre-ping: it is a round trip on every checkout, and a request makes
    # several. After a database restart the first statement on a dead
    # connection fails, SQLAlchemy drops the whole pool, and that request's
    # client retries as it does after any 5xx.
    return create_engine(url, pool_size=20, max_overflow=30, pool_recycle=1800)


def is_postgres(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"


def alembic_config(url: str, engine: Engine | None = None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    from alembic import command
    command.upgrade(alembic_config(engine.url.render_as_string(hide_password=False), engine), revision)


class Database:
    def __init__(self, url: str, *, run_migrations: bool = True):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        guard.install(self.engine, self.sessions)       # before the first connection
        if run_migrations:
            migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self.sessions() as s:
            with s.begin():
                yield s

    def close(self) -> None:
        self.engine.dispose()


def insert_ignore(session: Session, model, **values) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on either database: idempotent
    inserts without a savepoint round trip."""
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())
