"""Blob store on disk, content-addressed by SHA-256, behind a small
interface shared with the S3-compatible store (s3.py).

Partial uploads live in partial/<sha>.<length>[.<owner>].part and grow by
appends (each uploader's own: one team's upload in progress tells nothing
to another, and only bytes it sent count as its own; see routes.py); a
blob becomes visible (objects/ab/<sha>) only after its bytes hash to its
name, via fsync + atomic rename.

One upload of a blob at a time: the partial file is locked (flock) while it
is appended to and published, so this holds across server worker
processes; where flock does not exist (Windows: one worker) a set of the
keys held in this process does the same."""
from __future__ import annotations

import hashlib
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

try:
    import fcntl
except ImportError:          # Windows
    fcntl = None

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
OWNER_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


class BlobBusy(Exception):
    """Another upload of this blob is running (this or another process)."""


class OffsetMoved(Exception):
    """Another request stored bytes of this upload meanwhile: resume at
    `offset` (the object store checks this when a chunk is stored)."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


class BlobStore(Protocol):
    """DiskBlobStore (here, the default) or s3.S3BlobStore; backends.py
    picks one. open_append() returns an appender: size(), expect(content
    length), awrite(), truncate(), commit() (keep what arrived), finish()
    (verify, publish); commit and finish may raise BlobBusy or OffsetMoved."""
    def has(self, sha256: str) -> bool: ...
    def partial_size(self, sha256: str, length: int, owner: str = "") -> int: ...
    def open_append(self, sha256: str, length: int, owner: str = "") -> BinaryIO: ...
    def finish(self, sha256: str, length: int, owner: str = "") -> bool: ...
    def discard(self, sha256: str, length: int, owner: str = "") -> None: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def size(self, sha256: str) -> int | None: ...
    def local_path(self, sha256: str) -> Path | None: ...
    def iter_bytes(self, sha256: str) -> Iterator[bytes]: ...
    def delete(self, sha256: str) -> None: ...
    def put_file(self, sha256: str, f: BinaryIO, size: int) -> None: ...
    def list_blobs(self) -> Iterator[tuple[str, int, datetime]]: ...
    def stray_uploads(self, older_than: datetime, live: list) -> Iterator[tuple[str, str, str]]: ...
    def drop_stray(self, kind: str, name: str, upload_id: str) -> None: ...


class _HashingAppend:
    """The partial file opened for appending and locked; hashes what it
    writes so the finished upload need not be read back. The running hash is
    used only if the file is still exactly as this process left it (same
    inode, size and modification time); otherwise (a server restart, a
    truncation, another worker process wrote to it or started it afresh)
    finishing re-reads the file."""

    def __init__(self, f: BinaryIO, store: "DiskBlobStore", key: tuple[str, int, str]):
        self.f, self.store, self.key = f, store, key
        self._buf: list[bytes] = []
        self._buffered = 0
        self._pending: Future | None = None
        size = f.seek(0, os.SEEK_END)
        kept = store._running.get(key)
        if size == 0:
            self.state = (0, hashlib.sha256())
        elif kept is not None and kept[0] == _fingerprint(f):
            self.state = kept[1]
        else:
            self.state = None

    def write(self, data: bytes) -> int:
        n = self.f.write(data)
        if self.state is not None:
            self._buf.append(data)
            self._buffered += len(data)
            self.state = (self.state[0] + len(data), self.state[1])
            if self._buffered >= HASH_BATCH:
                self._submit()
        return n

    def _submit(self) -> None:
        """Hash the buffered bytes on the hashing thread (hashlib lets go of
        the GIL), so the next bytes are received meanwhile; one thread, so
        the updates keep their order."""
        data = b"".join(self._buf)
        self._buf.clear()
        self._buffered = 0
        self._pending = _hash_pool().submit(self.state[1].update, data)

    def _settle(self) -> None:
        """Every byte written is in the running hash."""
        if self.state is not None and self._buf:
            self._submit()
        if self._pending is not None:
            self._pending.result()
            self._pending = None

    def commit(self) -> None:
        """Keep what arrived (here: already in the partial file)."""

    def expect(self, content_length: int | None) -> None:
        """(The object store decides here whether to stream the chunk.)"""

    async def awrite(self, data: bytes) -> None:
        self.write(data)

    def truncate(self, size: int) -> int:
        self._settle()
        self.state = None
        return self.f.truncate(size)

    def size(self) -> int:
        return self.f.tell()

    def finish(self) -> bool:
        """Verify and publish while still holding the lock (see store.finish)."""
        self._settle()
        self.f.flush()
        if fcntl is None:
            self.f.close()      # Windows cannot rename an open file; the held-key set still locks it
        state, self.state = self.state, None
        return self.store._publish(*self.key, state)

    def __enter__(self) -> "_HashingAppend":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._settle()
            if self.state is not None and not self.f.closed:
                self.f.flush()
                self.store._running[self.key] = (_fingerprint(self.f), self.state)
            else:
                self.store._running.pop(self.key, None)
            self.f.close()
        finally:
            self.store._unlock(self.key)


HASH_BATCH = 1 << 20
_hasher: ThreadPoolExecutor | None = None
_hasher_lock = threading.Lock()


def _hash_pool() -> ThreadPoolExecutor:
    global _hasher
    with _hasher_lock:
        if _hasher is None:
            _hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blob-hash")
        return _hasher


def _fingerprint(f: BinaryIO) -> tuple[int, int, int]:
    st = os.fstat(f.fileno())
    return st.st_ino, st.st_size, st.st_mtime_ns


class DiskBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        # (sha, length, owner) -> (file fingerprint, (bytes hashed, running SHA-256)) of partial uploads
        self._running: dict[tuple[str, int, str], tuple[tuple[int, int, int], tuple[int, "hashlib._Hash"]]] = {}
        self._held: set[tuple[str, int, str]] = set()      # only where flock is missing
        self._held_lock = threading.Lock()

    def _check(self, sha256: str) -> str:
        if not SHA_RE.match(sha256):
            raise ValueError("not a sha256")
        return sha256

    def path(self, sha256: str) -> Path:
        sha256 = self._check(sha256)
        return self.root / "objects" / sha256[:2] / sha256

    def _partial(self, sha256: str, length: int, owner: str = "") -> Path:
        if owner and not OWNER_RE.match(owner):
            raise ValueError("owner must be 1-64 letters, digits, - or _")
        tail = f".{owner}" if owner else ""
        return self.root / "partial" / f"{self._check(sha256)}.{int(length)}{tail}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def partial_size(self, sha256: str, length: int, owner: str = "") -> int:
        try:
            return self._partial(sha256, length, owner).stat().st_size
        except FileNotFoundError:
            return 0

    def open_append(self, sha256: str, length: int, owner: str = "") -> _HashingAppend:
        """Raises BlobBusy when another upload of this blob (by this owner) holds it."""
        key = (sha256, int(length), owner)
        f = open(self._partial(sha256, length, owner), "ab")
        try:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                with self._held_lock:
                    if key in self._held:
                        raise BlobBusy(sha256)
                    self._held.add(key)
        except BlockingIOError:
            f.close()
            raise BlobBusy(sha256) from None
        except BaseException:
            f.close()
            raise
        return _HashingAppend(f, self, key)

    def _unlock(self, key: tuple[str, int, str]) -> None:
        if fcntl is None:               # flock goes with the closed file
            with self._held_lock:
                self._held.discard(key)

    def discard(self, sha256: str, length: int, owner: str = "") -> None:
        self._running.pop((sha256, int(length), owner), None)
        self._partial(sha256, length, owner).unlink(missing_ok=True)

    def finish(self, sha256: str, length: int, owner: str = "") -> bool:
        """Verify the complete partial upload; publish it if its SHA-256 is
        its name, else throw it away (the client starts again)."""
        kept = self._running.pop((sha256, int(length), owner), None)
        if kept is not None:
            st = self._partial(sha256, length, owner).stat()
            if kept[0] != (st.st_ino, st.st_size, st.st_mtime_ns):
                kept = None
        return self._publish(sha256, int(length), owner, kept[1] if kept else None)

    def _publish(self, sha256: str, length: int, owner: str, state) -> bool:
        """Verify the partial; publish it, or only drop it when these bytes
        are published already (another uploader's: same name, same bytes)."""
        part = self._partial(sha256, length, owner)
        with open(part, "rb") as f:
            if state is not None and state[0] == length == os.fstat(f.fileno()).st_size:
                digest = state[1].hexdigest()          # hashed while it arrived
            else:
                h = hashlib.sha256()
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
                digest = h.hexdigest()
            os.fsync(f.fileno())
        if digest != sha256:
            part.unlink(missing_ok=True)
            return False
        dest = self.path(sha256)
        if dest.exists():
            part.unlink(missing_ok=True)
            return True
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

    # -- for downloads, gc.py and `blobs migrate` (s3.py has the same) ----
    def local_path(self, sha256: str) -> Path:
        return self.path(sha256)

    def iter_bytes(self, sha256: str):
        with self.open(sha256) as f:
            yield from iter(lambda: f.read(1 << 20), b"")

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def put_file(self, sha256: str, f: BinaryIO, size: int) -> None:
        """Store bytes in one go (console attachments); verified all the same."""
        with self.open_append(sha256, size) as a:
            a.truncate(0)
            for block in iter(lambda: f.read(1 << 20), b""):
                a.write(block)
            if not a.finish():
                raise OSError(f"blob {sha256} did not verify")

    def list_blobs(self):
        """(sha256, size, last modified) of every stored blob."""
        for p in (self.root / "objects").glob("*/*"):
            if SHA_RE.match(p.name):
                st = p.stat()
                yield p.name, st.st_size, datetime.fromtimestamp(st.st_mtime, timezone.utc)

    def stray_uploads(self, older_than: datetime, live: list):
        """Partial files no open upload (`live` blob_uploads rows) owns, not
        written to since `older_than`: (kind, name, "")."""
        known = {self.partial_name(r.sha256, r.length, r.owner) for r in live}
        for p in (self.root / "partial").glob("*.part"):
            if p.name not in known and datetime.fromtimestamp(p.stat().st_mtime, timezone.utc) < older_than:
                yield "partial", p.name, ""

    def drop_stray(self, kind: str, name: str, _upload_id: str = "") -> None:
        (self.root / "partial" / Path(name).name).unlink(missing_ok=True)

    def partial_name(self, sha256: str, length: int, owner: str = "") -> str:
        return self._partial(sha256, length, owner).name
