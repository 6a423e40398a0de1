"""Alembic environment for the local store. render_as_batch=True because
SQLite cannot ALTER most things in place."""
from alembic import context

from app.store import models  # noqa: F401  (registers tables on Base.metadata)
from app.store.db import Base, make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url").removeprefix("sqlite:///"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
