"""Alembic environment for the local store. render_as_batch=True because
SQLite cannot ALTER most things in place.

All pending revisions and the version stamp run in ONE transaction on a
connection whose driver does not interfere with transactions (see
db.migration_engine): a laptop that dies mid-upgrade keeps the old schema
and its data, and the next start simply runs the upgrade again."""
from alembic import context

from app.store import models  # noqa: F401  (registers tables on Base.metadata)
from app.store.db import Base, make_engine, migration_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url").removeprefix("sqlite:///"))
engine = migration_engine(engine)

try:
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                          transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with dangling foreign keys: {broken[:5]}")
finally:
    if engine is not config.attributes.get("engine"):
        engine.dispose()
