"""Server settings: where the database and the blobs live, and limits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync.protocol.exchange import PROTOCOLS


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""           # empty: SQLite file in data_dir
    session_ttl_hours: int = 12      # admin/lab sign-ins
    console_idle_minutes: int = 30   # a console session ends after this long unused
    device_ttl_days: int = 365       # a sampler's enrolled laptop
    max_blob_bytes: int = 512 * 1024 * 1024
    # Sign-in throttling (auth/throttle.py): failures allowed per account from
    # one address, per address, per account; then waits that start at
    # login_window_s and double with each further failure, up to the max.
    login_max_failures: int = 5
    login_address_failures: int = 20
    login_account_failures: int = 20
    login_window_s: int = 300
    login_backoff_max_s: int = 3600
    # Reverse proxies whose X-Forwarded-For is believed: IPs or CIDRs,
    # comma-separated. Empty: the connection's own address, always.
    trusted_proxies: str = ""
    # The address laptops use to reach this server (https://sync.example.gov.cn),
    # printed in enrollment QR codes. Empty: the address the admin's browser
    # used, which behind a reverse proxy or on an internal name may not be it.
    public_url: str = ""
    request_threads: int = 0         # per worker process (see app.py); 0: 4, or 16 with an object store
    # Where blobs live: "" = <data>/blobs on this disk; s3://bucket/prefix = an
    # S3-compatible object store (endpoint below; credentials from the
    # environment or s3_credentials_file, never here: see blobs/s3config.py).
    blob_url: str = ""
    s3_endpoint: str = ""
    s3_region: str = ""
    s3_credentials_file: str = ""
    # Open uploads (blobs/gc.py): per-device quota, expiry, orphan grace.
    max_open_uploads: int = 64                        # per device
    max_open_upload_bytes: int = 4 * 1024 ** 3        # per device, declared lengths
    upload_expiry_hours: float = 48.0                 # an upload untouched this long is dropped
    blob_grace_hours: float = 168.0                   # a blob no record cites is kept this long
    gc_interval_s: float = 3600.0                     # serve runs gc this often (0: never)
    # `serve` requires a one-time enrollment code (sync/server/enrollment);
    # the library default stays open for the demo and the tests' worlds.
    enroll_requires_code: bool = False
    # App protocol versions answered (releases/protocol.py); fs-sync/2 is
    # fs-sync/1 plus the exchange (sync/protocol/exchange.py).
    protocols: tuple[str, ...] = PROTOCOLS

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
