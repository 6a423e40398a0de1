"""Photo upload, tus-style: ask the server's offset, send chunks from it,
and after any cut ask again and continue. The server streams each chunk to
disk as it arrives, so a cut costs at most the bytes that were in flight."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.domain.i18n import N_
from sync.client.errors import SyncError, TransientError
from sync.client.transport import Transport

# 8 MiB: a phone photo in one request; a cut re-sends at most this. At least
# 5 MiB so that each chunk is one part of an S3 multipart upload on a server
# with an object store (S3's smallest part; below it a chunk waits as a tail).
DEFAULT_CHUNK = 8 << 20
PhotoSource = Callable[[str], "Path | bytes"]      # sha256 -> file path (evidence store) or bytes


class PhotoDamaged(SyncError):
    """The local file is missing or no longer hashes to its name."""


@dataclass
class UploadOutcome:
    sha256: str
    size: int
    sent_bytes: int = 0          # body bytes the client tried to send (re-sends included)
    resumed: int = 0             # times the offset was asked again after a failure
    already_there: bool = False


class _Reader:
    def __init__(self, src: "Path | bytes"):
        self.data = src if isinstance(src, (bytes, bytearray)) else None
        self.path = None if self.data is not None else Path(src)
        self.size = len(self.data) if self.data is not None else self.path.stat().st_size

    def read(self, offset: int, n: int) -> bytes:
        if self.data is not None:
            return bytes(self.data[offset:offset + n])
        with open(self.path, "rb") as f:
            f.seek(offset)
            return f.read(n)

    def sha256(self) -> str:
        h = hashlib.sha256()
        for off in range(0, self.size, DEFAULT_CHUNK):
            h.update(self.read(off, DEFAULT_CHUNK))
        return h.hexdigest()


def open_source(source: PhotoSource, sha256: str) -> _Reader:
    try:
        reader = _Reader(source(sha256))
    except (OSError, KeyError) as e:
        raise PhotoDamaged(f"photo {sha256[:12]} missing: {e}", code="photo.missing",
                           text=N_("本机找不到该照片文件")) from e
    if reader.sha256() != sha256:
        raise PhotoDamaged(f"photo {sha256[:12]} damaged", code="photo.damaged",
                           text=N_("本机照片文件已损坏（哈希不符）"))
    return reader


def upload(transport: Transport, sha256: str, reader: _Reader, *, chunk_size: int = DEFAULT_CHUNK,
           on_offset: Callable[[int], None] | None = None, max_failures: int = 8,
           start_offset: int | None = None) -> UploadOutcome:
    """Upload until the server has verified the blob. Raises TransientError
    after max_failures consecutive failures without progress."""
    size, out = reader.size, UploadOutcome(sha256, reader.size)
    failures, corrupt = 0, 0
    # Start at the given offset (0 for a photo the server just said it lacks)
    # without asking: a wrong guess costs one 409 that names the right one.
    offset: int | None = start_offset
    while True:
        transport.cancel.check()
        try:
            if offset is None:
                _, st = transport.once("GET", f"/v1/blobs/{sha256}/upload", params={"length": size})
                if st["complete"]:
                    out.already_there = out.already_there or out.sent_bytes == 0
                    return out
                offset = st["offset"]
                if on_offset:
                    on_offset(offset)
            chunk = reader.read(offset, chunk_size)
            out.sent_bytes += len(chunk)                # attempted: a cut chunk counts too
            status, body = transport.once("PATCH", f"/v1/blobs/{sha256}", content=chunk, headers={
                "Upload-Offset": str(offset), "Upload-Length": str(size),
                "Content-Type": "application/offset+octet-stream"})
            if status == 409:                           # the server is elsewhere: go there
                offset = int(body["error"]["params"]["offset"])
                if on_offset:
                    on_offset(offset)
                continue
            if status == 422:                           # bytes damaged in transit: start again
                corrupt += 1
                if corrupt > 3:
                    raise TransientError("photo keeps arriving damaged", code="blob.hash_mismatch")
                offset = None
                continue
            offset, failures = body["offset"], 0
            if on_offset:
                on_offset(offset)
            if body["complete"]:
                return out
        except TransientError:
            failures += 1
            if failures >= max_failures:
                raise
            out.resumed += 1
            offset = None                               # ask the server where to resume
            transport.cancel.sleep(transport.retry.delay(failures))
