"""The client's local database for tests: a real SQLite file with the sync
tables (the desktop store's own migrations add them in production)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.store import sync_models


class LocalStore:
    def __init__(self, path: Path):
        self.engine = create_engine(f"sqlite:///{path}")
        sync_models.Base.metadata.create_all(self.engine, tables=[
            sync_models.OutboxItem.__table__, sync_models.SyncStateRow.__table__,
            sync_models.PhotoUpload.__table__, sync_models.PulledEntity.__table__])
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        with self._sessions() as s:
            with s.begin():
                yield s

    def close(self) -> None:
        self.engine.dispose()
