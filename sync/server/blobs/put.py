"""Store bytes the server itself receives or makes (a file attached in the
console, the demo's photos) as a verified blob, through the same partial
file, hash check and atomic publish as a device's upload."""
from __future__ import annotations

import hashlib
import io

from sqlalchemy.orm import Session

from sync.server.blobs import service
from sync.server.blobs.store import DiskBlobStore


def put_bytes(*, session: Session, store: DiskBlobStore, data: bytes, source: str) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if not store.has(sha):
        # (no upload state: an object store's would open its own transaction
        # inside the caller's, which SQLite cannot do)
        store.put_file(sha, io.BytesIO(data), len(data))
    service.register_bytes(session=session, sha256=sha, size=len(data), source=source)
    return sha
