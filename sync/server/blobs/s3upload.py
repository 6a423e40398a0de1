"""One request's chunk of an upload to the object store (s3.py).

A chunk that will be a part of the multipart upload (the end of the blob,
or 5 MiB and more with the tail) is streamed to the store while it arrives:
a thread runs upload_part, reading from a bounded pipe the event loop
feeds, so the bytes cross the server once, without waiting for the whole
chunk. A cut request fails the part: nothing of it is kept, and the client
re-sends at most that chunk. A smaller chunk is spooled and stored as
the tail object; a blob that comes whole in one small request is spooled,
hashed, and PUT under its name only if it matches.

Nothing is locked while the body arrives. Storing the chunk (commit) takes
the upload's lock and checks that the upload is where it was when the
request began; if another request stored bytes meanwhile, OffsetMoved
(409: resume there) and this chunk's part is not recorded. The running
SHA-256 is saved with every chunk (sha256state), so the next chunk can go
to any server machine."""
from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import deque
from typing import BinaryIO

from sync.server.blobs import sha256state
from sync.server.blobs.models import BlobUpload
from sync.server.blobs.s3state import MIN_PART, UploadState
from sync.server.blobs.store import OffsetMoved

SPOOL_IN_MEMORY = 16 * 1024 * 1024  # a spooled chunk beyond this goes to a temporary file, for the request
PIPE_LIMIT = 4 * 1024 * 1024        # bytes received but not yet sent on to the store
READ_BLOCK = 1 << 20


class Cut(Exception):
    """The request ended before its Content-Length: the part is abandoned."""


class _Pipe:
    """The body of upload_part: the tail's bytes, then the request's, fed by
    the event loop, read by boto3 in its thread (in small blocks); hashes
    the request's bytes on the way."""

    def __init__(self, prefix: bytes, hasher):
        self.chunks: deque[memoryview] = deque([memoryview(prefix)] if prefix else [])
        self.queued = len(prefix)
        self.hasher, self.skip = hasher, len(prefix)
        self.cv = threading.Condition()
        self.closed, self.error = False, None

    def feed(self, data: bytes) -> None:
        with self.cv:
            self.chunks.append(memoryview(data))
            self.queued += len(data)
            self.cv.notify_all()

    def full(self) -> bool:
        return self.queued >= PIPE_LIMIT

    def wait_room(self) -> None:
        with self.cv:
            self.cv.wait_for(lambda: self.queued < PIPE_LIMIT or self.error is not None or self.closed,
                             timeout=120)

    def end(self, error: Exception | None = None) -> None:
        with self.cv:
            self.closed, self.error = True, error
            self.cv.notify_all()

    def read(self, n: int = -1) -> bytes:
        with self.cv:
            self.cv.wait_for(lambda: self.chunks or self.closed, timeout=120)
            if self.error is not None:
                raise self.error
            if not self.chunks:
                if self.closed:
                    return b""
                raise Cut("no bytes for 120 s")
            head = self.chunks[0]
            if n is None or n < 0 or n >= len(head):
                out = self.chunks.popleft()
            else:
                out, self.chunks[0] = head[:n], head[n:]
            self.queued -= len(out)
            self.cv.notify_all()
        if self.skip:
            own = out[self.skip:] if len(out) > self.skip else b""
            self.skip = max(0, self.skip - len(out))
        else:
            own = out
        if self.hasher is not None and len(own):
            self.hasher.update(own)
        return bytes(out)


class S3Append:
    def __init__(self, store, sha256: str, length: int, owner: str):
        self.store, self.sha, self.length, self.owner = store, sha256, length, owner
        self.ukey = store.upload_key(sha256, length, owner)
        with store.db.session() as s:
            self.base = UploadState.of(s.get(BlobUpload, (sha256, length, owner)))
        self.began_with = self.base.multipart_id
        self.created = ""                            # a multipart upload this request began
        self.n = 0
        self.mode = "spool"
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.pipe: _Pipe | None = None
        self.part: dict = {}
        self.hasher = None
        self.failed = False

    # -- receiving (event loop) -----------------------------------------
    def size(self) -> int:
        return self.base.stored + self.n

    def expect(self, content_length: int | None) -> None:
        """Before the body (in a thread): stream it as a part if it will be
        one; otherwise it is spooled."""
        st, n = self.base, content_length
        if n is None or n <= 0 or st.stored + n > self.length:
            return
        final = st.stored + n == self.length
        if st.stored == 0 and final and n <= SPOOL_IN_MEMORY:
            return                                   # whole and small: spooled, one PUT when verified
        if not final and st.tail + n < MIN_PART:
            return                                   # becomes (part of) the tail
        self.hasher = self._resume_hash()
        if self.hasher is None:
            return                                   # no hash state: the slow, spooled way
        if not st.multipart_id:
            self._start_multipart()
        prefix = self._tail_bytes() if st.tail else b""
        self.pipe = _Pipe(prefix, self.hasher)
        self.mode = "stream"
        number, size = st.next_part_number(), st.tail + n
        self.part = {"number": number, "size": size}

        def send() -> None:
            try:
                self.part["etag"] = self.store.client.upload_part(
                    Bucket=self.store.bucket, Key=st.multipart_key, UploadId=st.multipart_id, PartNumber=number,
                    Body=self.pipe, ContentLength=size)["ETag"]
            except Exception as e:       # noqa: BLE001 - reported by commit()
                self.part["error"] = e
                self.pipe.end(e)
        self.thread = threading.Thread(target=send, daemon=True, name="s3-part")
        self.thread.start()

    def write(self, data: bytes) -> int:
        if self.mode == "stream":
            self.pipe.feed(data)
        else:
            self.spool.write(data)
        self.n += len(data)
        return len(data)

    async def awrite(self, data: bytes) -> None:
        self.write(data)
        if self.mode == "stream" and self.pipe.full():
            from anyio import to_thread
            await to_thread.run_sync(self.pipe.wait_room)

    def truncate(self, size: int) -> int:
        if self.mode == "stream":
            self.failed = True                       # a part cannot be cut short: nothing of it is kept
            self.pipe.end(Cut("overran"))
            self.n = 0
            return self.base.stored
        self.n = max(0, size - self.base.stored)
        self.spool.seek(self.n)
        self.spool.truncate(self.n)
        return size

    # -- storing (threads) ----------------------------------------------
    def commit(self) -> None:
        """Keep what this request brought; blocking."""
        if self.n == 0 and self.mode == "spool":
            return
        with self.store.lock(self.sha, self.length, self.owner):
            self._commit_locked()

    def _commit_locked(self) -> None:
        if self.mode == "stream":
            return self._commit_part()
        if self.n == 0:
            return
        st = self._current()
        if st.stored == 0 and st.stored + self.n == self.length:
            return                                   # kept for finish() (one PUT)
        h = self._resume_hash()
        if h is not None:
            self.spool.seek(0)
            for block in iter(lambda: self.spool.read(READ_BLOCK), b""):
                h.update(block)
        c, b = self.store.client, self.store.bucket
        body = self._spool_with_tail()
        size = st.tail + self.n
        if st.stored + self.n == self.length or size >= MIN_PART:   # slow way (no hash state) or a big chunk
            if not st.multipart_id:
                self._start_multipart()
            number = st.next_part_number()
            etag = c.upload_part(Bucket=b, Key=st.multipart_key, UploadId=st.multipart_id, PartNumber=number,
                                 Body=body, ContentLength=size)["ETag"]
            st.parts.append([number, etag, size])
            had_tail, st.tail = st.tail, 0
        else:
            c.put_object(Bucket=b, Key=self.ukey + "/tail", Body=body, ContentLength=size)
            had_tail, st.tail = 0, size
        self._stored(h, had_tail)

    def _commit_part(self) -> None:
        cut = self.failed or self.n + self.base.tail != self.part["size"]
        self.pipe.end(Cut("cut") if cut else None)
        self.thread.join()
        self.mode = "spool"
        if cut or "etag" not in self.part:          # (a store may take a short body when the link closes)
            self.n = 0
            self._abandon()
            return                                   # cut: nothing of this chunk is kept
        st = self._current()
        had_tail = st.tail
        st.parts = [p for p in st.parts if p[0] != self.part["number"]]
        st.parts.append([self.part["number"], self.part["etag"], self.part["size"]])
        st.tail = 0
        self._stored(self.hasher, had_tail)

    def _stored(self, h, had_tail: int) -> None:
        st = self.base
        st.stored += self.n
        st.hash_state = h.state() if h is not None else None
        self.began_with, self.created = st.multipart_id, ""
        with self.store.db.session() as s:
            row = s.get(BlobUpload, (self.sha, self.length, self.owner))
            if row is None:                          # dropped meanwhile (expiry): keep the state anyway
                row = BlobUpload(sha256=self.sha, length=self.length, owner=self.owner)
                s.add(row)
            st.save(row)
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.n = 0
        if had_tail:
            self.store.client.delete_object(Bucket=self.store.bucket, Key=self.ukey + "/tail")

    def _current(self) -> UploadState:
        """The state as stored now, which must be the one this request began
        from (under the lock)."""
        with self.store.db.session() as s:
            now = UploadState.of(s.get(BlobUpload, (self.sha, self.length, self.owner)))
        st = self.base
        if (now.stored, len(now.parts), now.tail, now.multipart_id) != \
                (st.stored, len(st.parts), st.tail, self.began_with):
            self.n = 0
            self._abandon()
            raise OffsetMoved(now.stored)
        return st

    def _abandon(self) -> None:
        """Abort the multipart upload this request began, if it keeps none of it."""
        if self.created:
            from botocore.exceptions import ClientError
            try:
                self.store.client.abort_multipart_upload(Bucket=self.store.bucket, Key=self.base.multipart_key,
                                                         UploadId=self.created)
            except ClientError:
                pass                                 # gc drops what no row knows
            self.created = ""

    def _resume_hash(self):
        if not sha256state.available():
            return None
        if self.base.stored == 0:
            return sha256state.ResumableSha256()
        return sha256state.ResumableSha256.from_state(self.base.hash_state) if self.base.hash_state else None

    def _start_multipart(self) -> None:
        """Begun before the lock is taken (the part streams into it); if
        another request began one too, the one stored first wins and this
        one is aborted (_current, _abandon)."""
        st = self.base
        verified = self._resume_hash() is not None
        st.multipart_key = self.store.key(self.sha) if verified else self.ukey + "/assembled"
        st.multipart_id = self.store.client.create_multipart_upload(Bucket=self.store.bucket,
                                                                    Key=st.multipart_key)["UploadId"]
        self.created = st.multipart_id

    def _tail_bytes(self) -> bytes:
        """Only the first `tail` bytes count: a server that died after
        rewriting the tail object may have left more."""
        got = self.store.client.get_object(Bucket=self.store.bucket, Key=self.ukey + "/tail",
                                           Range=f"bytes=0-{self.base.tail - 1}")["Body"]
        return got.read()

    def _spool_with_tail(self) -> BinaryIO:
        if not self.base.tail:
            self.spool.seek(0)
            return self.spool
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        out.write(self._tail_bytes())
        self.spool.seek(0)
        for block in iter(lambda: self.spool.read(READ_BLOCK), b""):
            out.write(block)
        out.seek(0)
        return out

    def finish(self) -> bool:
        """Verify and publish (blocking). True: the blob is stored under its
        name; False: its bytes do not hash to it, and the upload is dropped."""
        if self.mode == "spool" and self.base.stored == 0 and self.n == self.length:
            return self._publish_whole()             # touches no upload state: no lock
        with self.store.lock(self.sha, self.length, self.owner):
            self._commit_locked()
            return self._publish()

    def _publish_whole(self) -> bool:
        """The whole blob came in this one request: hash it, and PUT it under
        its name if it matches (the same verified bytes twice are harmless)."""
        h = hashlib.sha256()
        self.spool.seek(0)
        for block in iter(lambda: self.spool.read(READ_BLOCK), b""):
            h.update(block)
        if h.hexdigest() != self.sha:
            return False
        self.spool.seek(0)
        self.store.client.put_object(Bucket=self.store.bucket, Key=self.store.key(self.sha), Body=self.spool,
                                     ContentLength=self.length)
        return True

    def _publish(self) -> bool:
        st = self.base
        h = self._resume_hash()
        if h is not None and st.multipart_key == self.store.key(self.sha):
            ok = h.hexdigest() == self.sha and self._complete()
            self._done() if ok else self.store.discard(self.sha, self.length, self.owner)
            return ok
        return self._publish_by_reading_back()

    def _complete(self) -> bool:
        from botocore.exceptions import ClientError
        st = self.base
        try:
            self.store.client.complete_multipart_upload(
                Bucket=self.store.bucket, Key=st.multipart_key, UploadId=st.multipart_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e, _ in sorted(st.parts)]})
        except ClientError as e:          # a part overwritten by a racing request: start again
            if e.response.get("Error", {}).get("Code") in ("InvalidPart", "InvalidPartOrder", "EntityTooSmall"):
                return False
            raise
        st.multipart_id = ""
        return True

    def _publish_by_reading_back(self) -> bool:
        """No running hash: assembled under uploads/, read back and hashed,
        and copied into place only if it matches."""
        c, b, st = self.store.client, self.store.bucket, self.base
        if not st.multipart_id or st.multipart_key == self.store.key(self.sha) or not self._complete():
            # begun by a server that kept the hash, its state now lost: never
            # complete unverified bytes under the blob's name; start again
            self.store.discard(self.sha, self.length, self.owner)
            return False
        h = hashlib.sha256()
        for block in c.get_object(Bucket=b, Key=st.multipart_key)["Body"].iter_chunks(READ_BLOCK):
            h.update(block)
        ok = h.hexdigest() == self.sha
        if ok:
            c.copy_object(Bucket=b, Key=self.store.key(self.sha), CopySource={"Bucket": b, "Key": st.multipart_key})
        c.delete_object(Bucket=b, Key=st.multipart_key)
        self._done()
        return ok

    def _done(self) -> None:
        """The store's side is finished. The row stays (reset) until the
        caller registers the blob and ends the upload in one transaction
        (uploads.end): gc never sees a stored object with neither."""
        self.base = UploadState()
        self.n = 0
        with self.store.db.session() as s:
            row = s.get(BlobUpload, (self.sha, self.length, self.owner))
            if row is not None:
                self.base.save(row)

    def __enter__(self) -> "S3Append":
        return self

    def __exit__(self, *exc) -> None:
        if self.pipe is not None and not self.pipe.closed:
            self.pipe.end(Cut("request ended"))
            self.thread.join()
        self._abandon()
        self.spool.close()
