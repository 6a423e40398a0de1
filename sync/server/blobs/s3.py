"""Blob store in an S3-compatible object store (MinIO, SeaweedFS, a cloud
provider's OSS/COS/OBS/S3), with no state on the server's own disk.

Verified blobs are objects at <prefix>objects/ab/<sha256>. An upload in
progress is an S3 multipart upload whose whole state is a row of
blob_uploads (models.BlobUpload): the upload id, the parts so far, and the
running SHA-256 (sha256state: saved after every chunk). Any server machine
can therefore take the next chunk, and a restart loses nothing; the
one-upload-at-a-time lock is the database's (locks.py).

Every non-final part of a multipart upload must be at least 5 MiB. A chunk
that ends below that, and is not the end of the blob, is kept as a small
"tail" object and sent again at the front of the next part. The hash is
checked before the multipart upload is completed, so nothing unverified
ever appears under objects/; where the hash state cannot be kept
(`sha256state.available()` is False) the parts are assembled under
uploads/ and read back to be hashed before they are copied into place.

boto3 (botocore) is the client: the AWS SDK, released weekly, and it
exposes the low-level multipart calls (create/upload part/complete/abort,
list) that chunk-by-chunk resumable uploads across machines need; the
minio client keeps those private behind its high-level put/compose."""
from __future__ import annotations

import json
import tempfile
from typing import BinaryIO, Iterator

from sync.server.blobs import s3config, sha256state
from sync.server.blobs.models import BlobUpload
from sync.server.blobs.store import SHA_RE, BlobBusy  # noqa: F401 - BlobBusy raised by the locks
from sync.server.db import Database, insert_ignore, utcnow

MIN_PART = 5 * 1024 * 1024          # S3's smallest non-final part
SPOOL_IN_MEMORY = 16 * 1024 * 1024  # a chunk beyond this spills to a temporary file for the request
READ_BLOCK = 1 << 20


def make_client(loc: s3config.S3Location, creds: tuple[str, str] | None):
    import boto3
    from botocore.config import Config
    kw = {}
    if creds:
        kw = {"aws_access_key_id": creds[0], "aws_secret_access_key": creds[1]}
    cfg = Config(s3={"addressing_style": "path", "payload_signing_enabled": False},
                 retries={"max_attempts": 4, "mode": "standard"}, max_pool_connections=32,
                 connect_timeout=10, read_timeout=120)
    return boto3.client("s3", endpoint_url=loc.endpoint or None, region_name=loc.region, config=cfg, **kw)


def _not_found(err) -> bool:
    code = getattr(err, "response", {}).get("Error", {}).get("Code", "")
    return code in ("404", "NoSuchKey", "NotFound", "NoSuchUpload")


class S3BlobStore:
    def __init__(self, loc: s3config.S3Location, *, db: Database, locks, creds: tuple[str, str] | None = None,
                 client=None):
        self.loc, self.db, self.locks = loc, db, locks
        self.client = client or make_client(loc, creds)
        self.bucket = loc.bucket

    def __repr__(self) -> str:
        return f"S3BlobStore({self.loc!r})"

    # -- names ------------------------------------------------------------
    def key(self, sha256: str) -> str:
        if not SHA_RE.match(sha256):
            raise ValueError("not a sha256")
        return f"{self.loc.prefix}objects/{sha256[:2]}/{sha256}"

    def _upload_key(self, sha256: str, length: int, owner: str) -> str:
        if not SHA_RE.match(sha256):
            raise ValueError("not a sha256")
        return f"{self.loc.prefix}uploads/{sha256}.{int(length)}.{owner or '_'}"

    # -- verified blobs ---------------------------------------------------
    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def has(self, sha256: str) -> bool:
        return self.size(sha256) is not None

    def size(self, sha256: str) -> int | None:
        from botocore.exceptions import ClientError
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))["ContentLength"]
        except ClientError as e:
            if _not_found(e):
                return None
            raise

    def local_path(self, sha256: str):
        return None                     # not on this disk: stream it (iter_bytes)

    def iter_bytes(self, sha256: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        try:
            yield from body.iter_chunks(READ_BLOCK)
        finally:
            body.close()

    def open(self, sha256: str) -> BinaryIO:
        return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]

    def put_file(self, sha256: str, f: BinaryIO, size: int) -> None:
        """Store bytes already verified (blobs migrate): one PUT, or a
        multipart upload for big files (boto3's transfer manager)."""
        self.client.upload_fileobj(f, self.bucket, self.key(sha256))

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))

    def list_blobs(self) -> Iterator[tuple[str, int, object]]:
        """(sha256, size, last modified) of every stored blob."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.loc.prefix}objects/")
        for page in pages:
            for o in page.get("Contents", []):
                name = o["Key"].rsplit("/", 1)[-1]
                if SHA_RE.match(name):
                    yield name, o["Size"], o["LastModified"]

    # -- uploads in progress ----------------------------------------------
    def partial_size(self, sha256: str, length: int, owner: str = "") -> int:
        with self.db.session() as s:
            row = s.get(BlobUpload, (sha256, int(length), owner))
            return row.stored if row else 0

    def open_append(self, sha256: str, length: int, owner: str = "") -> "_S3Append":
        """Raises BlobBusy when another upload of this blob (by this owner)
        holds it, on this machine or another."""
        held = self.locks.acquire(f"blob-upload:{sha256}.{int(length)}.{owner}")
        try:
            return _S3Append(self, sha256, int(length), owner, held)
        except BaseException:
            held.release()
            raise

    def discard(self, sha256: str, length: int, owner: str = "") -> None:
        """Abort the multipart upload and drop its tail and row (expiry, a
        hash mismatch)."""
        with self.db.session() as s:
            row = s.get(BlobUpload, (sha256, int(length), owner))
            state = _State.of(row) if row else None
            if row:
                s.delete(row)
        if state:
            self._drop(state, self._upload_key(sha256, length, owner))

    def _drop(self, state: "_State", upload_key: str) -> None:
        from botocore.exceptions import ClientError
        if state.multipart_id:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=state.multipart_key,
                                                   UploadId=state.multipart_id)
            except ClientError as e:
                if not _not_found(e):
                    raise
        self.client.delete_object(Bucket=self.bucket, Key=upload_key + "/tail")

    def stray_uploads(self, older_than, live: list) -> Iterator[tuple[str, str, str]]:
        """Multipart uploads and upload objects (tails, assembled copies)
        under this prefix that no open upload (`live` blob_uploads rows)
        owns, started before `older_than`: (kind, key, upload id). They are
        left by a server that died between the store and the database."""
        ids = {_State.of(r).multipart_id for r in live}
        keys = {self._upload_key(r.sha256, r.length, r.owner) for r in live}
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket,
                                                                              Prefix=self.loc.prefix)
        for page in pages:
            for u in page.get("Uploads", []):
                if u["UploadId"] not in ids and u["Initiated"] < older_than:
                    yield "multipart", u["Key"], u["UploadId"]
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.loc.prefix}uploads/")
        for page in pages:
            for o in page.get("Contents", []):
                if o["Key"].rsplit("/", 1)[0] not in keys and o["LastModified"] < older_than:
                    yield "object", o["Key"], ""

    def drop_stray(self, kind: str, key: str, upload_id: str) -> None:
        from botocore.exceptions import ClientError
        try:
            if kind == "multipart":
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            else:
                self.client.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            if not _not_found(e):
                raise


class _State:
    """The persistent part of an upload (a blob_uploads row)."""

    def __init__(self, stored=0, multipart_id="", multipart_key="", parts=None, tail=0, hash_state=None):
        self.stored, self.multipart_id, self.multipart_key = stored, multipart_id, multipart_key
        self.parts: list[list] = parts or []          # [number, etag, size]
        self.tail, self.hash_state = tail, hash_state

    @classmethod
    def of(cls, row: BlobUpload) -> "_State":
        extra = json.loads(row.parts or "{}") if (row.parts or "").startswith("{") else {}
        return cls(row.stored, row.multipart_id, extra.get("key", ""), extra.get("parts", []), row.tail,
                   row.hash_state)

    def save(self, row: BlobUpload) -> None:
        row.stored, row.multipart_id, row.tail, row.hash_state = (self.stored, self.multipart_id, self.tail,
                                                                  self.hash_state)
        row.parts = json.dumps({"key": self.multipart_key, "parts": self.parts})
        row.touched_at = utcnow()


class _S3Append:
    """One chunk of an upload: the bytes of this request are spooled, then
    commit() stores them (a part, or the tail) and saves the state with the
    running hash. Same surface as the disk store's appender."""

    def __init__(self, store: S3BlobStore, sha256: str, length: int, owner: str, held):
        self.store, self.sha, self.length, self.owner, self.held = store, sha256, length, owner, held
        self.ukey = store._upload_key(sha256, length, owner)
        with store.db.session() as s:
            insert_ignore(s, BlobUpload, sha256=sha256, length=length, owner=owner)
            self.state = _State.of(s.get(BlobUpload, (sha256, length, owner)))
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.n = 0
        self._kept_whole = False

    def size(self) -> int:
        return self.state.stored + self.n

    def write(self, data: bytes) -> int:
        self.spool.write(data)
        self.n += len(data)
        return len(data)

    def truncate(self, size: int) -> int:
        self.n = max(0, size - self.state.stored)
        self.spool.seek(self.n)
        self.spool.truncate(self.n)
        return size

    def _hasher(self):
        if not sha256state.available():
            return None
        st = self.state
        if st.stored == 0:
            return sha256state.ResumableSha256()
        return sha256state.ResumableSha256.from_state(st.hash_state) if st.hash_state else None

    def commit(self) -> None:
        """Keep what this request brought (blocking: run in a thread)."""
        if self.n == 0 or self._kept_whole:
            return
        st, c, b = self.state, self.store.client, self.store.bucket
        final = st.stored + self.n == self.length
        h = self._hasher()
        if h is not None:
            self.spool.seek(0)
            for block in iter(lambda: self.spool.read(READ_BLOCK), b""):
                h.update(block)
        if st.stored == 0 and final and h is not None:
            st.hash_state = h.state()             # one request brings it all: finish() PUTs it whole
            st.stored, st.parts = self.n, []
            self._kept_whole = True
            return
        body = self._with_tail()
        if final or st.tail + self.n >= MIN_PART:
            if not st.multipart_id:
                st.multipart_key = self.store.key(self.sha) if h is not None else self.ukey + "/assembled"
                st.multipart_id = c.create_multipart_upload(Bucket=b, Key=st.multipart_key)["UploadId"]
            number = len(st.parts) + 1
            body.seek(0)
            etag = c.upload_part(Bucket=b, Key=st.multipart_key, UploadId=st.multipart_id, PartNumber=number,
                                 Body=body, ContentLength=st.tail + self.n)["ETag"]
            st.parts.append([number, etag, st.tail + self.n])
            had_tail, st.tail = st.tail, 0
        else:
            body.seek(0)
            c.put_object(Bucket=b, Key=self.ukey + "/tail", Body=body, ContentLength=st.tail + self.n)
            had_tail, st.tail = 0, st.tail + self.n
        st.stored += self.n
        st.hash_state = h.state() if h is not None else None
        self._save()
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.n = 0
        if had_tail:
            c.delete_object(Bucket=b, Key=self.ukey + "/tail")     # after the row no longer needs it

    def _with_tail(self) -> BinaryIO:
        """This request's bytes, after the tail's (only its first st.tail
        bytes count: a server that died after rewriting it may have left more)."""
        st = self.state
        if not st.tail:
            return self.spool
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        got = self.store.client.get_object(Bucket=self.store.bucket, Key=self.ukey + "/tail",
                                           Range=f"bytes=0-{st.tail - 1}")["Body"]
        out.write(got.read())
        self.spool.seek(0)
        for block in iter(lambda: self.spool.read(READ_BLOCK), b""):
            out.write(block)
        return out

    def _save(self) -> None:
        with self.store.db.session() as s:
            row = s.get(BlobUpload, (self.sha, self.length, self.owner))
            if row is None:                 # dropped meanwhile (expiry): keep the state anyway
                row = BlobUpload(sha256=self.sha, length=self.length, owner=self.owner)
                s.add(row)
            self.state.save(row)

    def finish(self) -> bool:
        """Verify and publish (blocking). True: the blob is stored under its
        name; False: the bytes do not hash to it, the upload is dropped."""
        self.commit()
        st, c, b = self.state, self.store.client, self.store.bucket
        if self._kept_whole:
            ok = sha256state.ResumableSha256.from_state(st.hash_state).hexdigest() == self.sha
            if ok and not self.store.has(self.sha):
                self.spool.seek(0)
                c.put_object(Bucket=b, Key=self.store.key(self.sha), Body=self.spool, ContentLength=self.length)
            self._forget(abort=False)
            return ok
        h = self._hasher()
        if h is not None and st.multipart_key == self.store.key(self.sha):
            ok = h.hexdigest() == self.sha
            if ok and not self.store.has(self.sha):
                self._complete()
                self._forget(abort=False)
            else:
                self._forget(abort=True)          # wrong bytes, or the same bytes already there
            return ok
        return self._finish_by_reading_back()

    def _complete(self) -> None:
        st = self.state
        self.store.client.complete_multipart_upload(
            Bucket=self.store.bucket, Key=st.multipart_key, UploadId=st.multipart_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag, _ in st.parts]})
        st.multipart_id = ""

    def _finish_by_reading_back(self) -> bool:
        """No running hash: assemble under uploads/, hash what the store
        returns, and copy it into place only if it matches."""
        import hashlib
        c, b, st = self.store.client, self.store.bucket, self.state
        if not st.multipart_id or st.multipart_key == self.store.key(self.sha):
            # begun by a server that kept the hash, its state now lost: never
            # complete unverified bytes under the blob's name; start again
            self._forget(abort=True)
            return False
        self._complete()
        staged = st.multipart_key
        h = hashlib.sha256()
        body = c.get_object(Bucket=b, Key=staged)["Body"]
        for block in body.iter_chunks(READ_BLOCK):
            h.update(block)
        ok = h.hexdigest() == self.sha
        if ok and not self.store.has(self.sha):
            c.copy_object(Bucket=b, Key=self.store.key(self.sha), CopySource={"Bucket": b, "Key": staged})
        c.delete_object(Bucket=b, Key=staged)
        self._forget(abort=False)
        return ok

    def _forget(self, *, abort: bool) -> None:
        """Done with the store's side. A published upload keeps its row
        (reset) until the caller registers the blob and ends the upload in
        one transaction (uploads.end), so gc never sees a stored object
        with neither a blob row nor an open upload."""
        if abort:
            self.store.discard(self.sha, self.length, self.owner)
        else:
            self.state = _State()
            self._save()
            self.store.client.delete_object(Bucket=self.store.bucket, Key=self.ukey + "/tail")
        self.state = _State()

    def __enter__(self) -> "_S3Append":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.spool.close()
        finally:
            self.held.release()
