"""The persistent state of one upload to the object store: a blob_uploads
row (models.BlobUpload) as the S3 upload code sees it."""
from __future__ import annotations

import json

from sync.server.blobs.models import BlobUpload
from sync.server.db import utcnow

MIN_PART = 5 * 1024 * 1024          # S3's smallest non-final part


class UploadState:
    def __init__(self, stored=0, multipart_id="", multipart_key="", parts=None, tail=0, hash_state=None):
        self.stored, self.multipart_id, self.multipart_key = stored, multipart_id, multipart_key
        self.parts: list[list] = parts or []          # [number, etag, size]
        self.tail, self.hash_state = tail, hash_state

    @classmethod
    def of(cls, row: BlobUpload | None) -> "UploadState":
        if row is None:
            return cls()
        extra = json.loads(row.parts) if (row.parts or "").startswith("{") else {}
        return cls(row.stored, row.multipart_id, extra.get("key", ""), extra.get("parts", []), row.tail,
                   row.hash_state)

    def save(self, row: BlobUpload) -> None:
        row.stored, row.multipart_id, row.tail, row.hash_state = (self.stored, self.multipart_id, self.tail,
                                                                  self.hash_state)
        row.parts = json.dumps({"key": self.multipart_key, "parts": self.parts})
        row.touched_at = utcnow()

    def next_part_number(self) -> int:
        """Part numbers grow with the offset where the part starts (every
        non-final part is at least MIN_PART long), so a part streamed before
        the lock is taken can be numbered in advance."""
        return (self.stored - self.tail) // MIN_PART + 1
