"""The client's local database for tests: the desktop store itself
(app.store.db.Database), migrated by Alembic up to 0002_sync."""
from __future__ import annotations

from pathlib import Path

from app.store.db import Database


class LocalStore(Database):
    def __init__(self, path: Path):
        super().__init__(path)
