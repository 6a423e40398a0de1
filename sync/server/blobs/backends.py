"""Which blob store a server uses: `--blob-url` if given, else the one
`blobs migrate` switched to (server_state, shared by every machine), else
<data>/blobs on this disk."""
from __future__ import annotations

from sync.server.blobs import s3config
from sync.server.blobs.models import ServerState
from sync.server.blobs.store import DiskBlobStore
from sync.server.db import Database

BLOB_URL_KEY = "blob_url"


def recorded_url(db: Database) -> str:
    with db.session() as s:
        row = s.get(ServerState, BLOB_URL_KEY)
        return row.value if row else ""


def record_url(db: Database, url: str) -> None:
    with db.session() as s:
        row = s.get(ServerState, BLOB_URL_KEY)
        if row is None:
            s.add(ServerState(key=BLOB_URL_KEY, value=url))
        else:
            row.value = url


def open_store(settings, db: Database, url: str | None = None):
    """url: "" = this disk, s3://bucket/prefix = an object store; None = as
    configured (above)."""
    if url is None:
        url = settings.blob_url or recorded_url(db)
    if s3config.is_s3(url):
        from sync.server.blobs.locks import locks_for
        from sync.server.blobs.s3 import S3BlobStore
        loc = s3config.parse(url, settings.s3_endpoint, settings.s3_region)
        return S3BlobStore(loc, db=db, locks=locks_for(db, settings.data_dir),
                           creds=s3config.credentials(settings.s3_credentials_file))
    if url:
        raise ValueError(f"blob URL must be s3://bucket/prefix (or nothing, for {settings.blob_dir}): {url!r}")
    return DiskBlobStore(settings.blob_dir)
