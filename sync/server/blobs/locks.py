"""One upload of a blob at a time, whichever worker process or server
machine takes the chunk.

On PostgreSQL: a session advisory lock on a connection held for the chunk
(released by the database if the server dies, so a killed server never
leaves a photo locked). On SQLite the server is one machine: a file lock
(flock) in the data folder (<data>/locks), or an in-process set where flock is missing."""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from sqlalchemy import text

from sync.server.blobs.store import BlobBusy

try:
    import fcntl
except ImportError:          # Windows
    fcntl = None


def lock_id(name: str) -> int:
    """A signed 64-bit key for pg_advisory_lock from any name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class _Held:
    def __init__(self, release):
        self._release = release

    def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()

    def __enter__(self) -> "_Held":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class PgLocks:
    def __init__(self, engine):
        self.engine = engine

    def acquire(self, name: str) -> _Held:
        """Raises BlobBusy if another session holds `name`."""
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            key = lock_id(name)
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise BlobBusy(name)
        except BaseException:
            conn.close()
            raise

        def release() -> None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            finally:
                conn.close()
        return _Held(release)


class FileLocks:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._held: set[str] = set()
        self._mutex = threading.Lock()

    def acquire(self, name: str) -> _Held:
        # 65536 lock files at most (they are never deleted: unlinking a
        # locked file races); two photos sharing one only wait a moment (423).
        key = hashlib.sha256(name.encode()).hexdigest()[:4]
        with self._mutex:                      # also within one process (flock is per open file)
            if key in self._held:
                raise BlobBusy(name)
            self._held.add(key)
        f = None
        try:
            if fcntl is not None:
                f = open(self.folder / f"{key}.lock", "ab")
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            with self._mutex:
                self._held.discard(key)
            raise BlobBusy(name) from None

        def release() -> None:
            try:
                if f is not None:
                    f.close()
            finally:
                with self._mutex:
                    self._held.discard(key)
        return _Held(release)


def locks_for(db, data_dir: Path):
    return PgLocks(db.engine) if db.engine.dialect.name == "postgresql" else FileLocks(Path(data_dir) / "locks")
