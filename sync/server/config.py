"""Server settings: where the database and the blobs live."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""           # empty: SQLite file in data_dir
    session_ttl_hours: int = 12      # admin/lab sign-ins
    console_idle_minutes: int = 30   # a console session ends after this long unused
    device_ttl_days: int = 365       # a sampler's enrolled laptop
    max_blob_bytes: int = 512 * 1024 * 1024
    login_max_failures: int = 5      # per user name and per address ...
    login_window_s: int = 300        # ... within this window
    request_threads: int = 4         # per worker process (see app.py)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'server.db').as_posix()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


def settings_for(data_dir: str | Path, database_url: str | None = None, **kw) -> Settings:
    d = Path(data_dir).expanduser().resolve()
    d.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=d, database_url=database_url or "", **kw)
