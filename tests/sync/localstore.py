"""The client's local database for tests: the desktop store itself
(app.store.db.Database), migrated by Alembic up to head."""
from __future__ import annotations

import threading
from pathlib import Path

from app.store.db import Database

# Alembic keeps the running migration in module globals (alembic.op,
# alembic.context): laptops made in parallel threads (test_faults' lanes)
# migrate their stores one at a time.
_MIGRATING = threading.Lock()


class LocalStore(Database):
    def __init__(self, path: Path):
        with _MIGRATING:
            super().__init__(path)
