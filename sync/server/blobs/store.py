"""Blob store on disk, content-addressed by SHA-256, behind a small
interface so an S3-compatible store can be added later.

Partial uploads live in partial/<sha>.<length>.part and grow by appends; a
blob becomes visible (objects/ab/<sha>) only after its bytes hash to its
name, via fsync + atomic rename."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import BinaryIO, Protocol

SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def has(self, sha256: str) -> bool: ...
    def partial_size(self, sha256: str, length: int) -> int: ...
    def open_append(self, sha256: str, length: int) -> BinaryIO: ...
    def finish(self, sha256: str, length: int) -> bool: ...
    def discard(self, sha256: str, length: int) -> None: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def size(self, sha256: str) -> int: ...


class DiskBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)

    def _check(self, sha256: str) -> str:
        if not SHA_RE.match(sha256):
            raise ValueError("not a sha256")
        return sha256

    def path(self, sha256: str) -> Path:
        sha256 = self._check(sha256)
        return self.root / "objects" / sha256[:2] / sha256

    def _partial(self, sha256: str, length: int) -> Path:
        return self.root / "partial" / f"{self._check(sha256)}.{int(length)}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def partial_size(self, sha256: str, length: int) -> int:
        try:
            return self._partial(sha256, length).stat().st_size
        except FileNotFoundError:
            return 0

    def open_append(self, sha256: str, length: int) -> BinaryIO:
        return open(self._partial(sha256, length), "ab")

    def discard(self, sha256: str, length: int) -> None:
        self._partial(sha256, length).unlink(missing_ok=True)

    def finish(self, sha256: str, length: int) -> bool:
        """Verify the complete partial upload; publish it if its SHA-256 is
        its name, else throw it away (the client starts again)."""
        part = self._partial(sha256, length)
        h = hashlib.sha256()
        with open(part, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
            os.fsync(f.fileno())
        if h.hexdigest() != sha256:
            part.unlink(missing_ok=True)
            return False
        dest = self.path(sha256)
        dest.parent.mkdir(exist_ok=True)
        os.replace(part, dest)
        if hasattr(os, "O_DIRECTORY"):
            fd = os.open(dest.parent, os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return True

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")
