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

import contextlib
from typing import BinaryIO, Iterator

from sync.server.blobs import s3config
from sync.server.blobs.models import BlobUpload
from sync.server.blobs.s3state import UploadState
from sync.server.blobs.store import SHA_RE
from sync.server.db import Database

READ_BLOCK = 1 << 20


def make_client(loc: s3config.S3Location, creds: tuple[str, str] | None):
    import boto3
    from botocore.config import Config
    kw = {}
    if creds:
        kw = {"aws_access_key_id": creds[0], "aws_secret_access_key": creds[1]}
    # No SHA-256 of each request body for the signature, no CRC32 trailer: the
    # chunks are streamed through as they arrive (a body read once), and the
    # blob's own SHA-256 is checked before it is published.
    cfg = Config(s3={"addressing_style": "path", "payload_signing_enabled": False},
                 request_checksum_calculation="when_required", response_checksum_validation="when_required",
                 retries={"max_attempts": 4, "mode": "standard"}, max_pool_connections=32,
                 connect_timeout=10, read_timeout=120)
    return boto3.client("s3", endpoint_url=loc.endpoint or None, region_name=loc.region, config=cfg, **kw)


def _not_found(err) -> bool:
    code = getattr(err, "response", {}).get("Error", {}).get("Code", "")
    return code in ("404", "NoSuchKey", "NotFound", "NoSuchUpload")


class S3BlobStore:
    remote = True               # its calls wait on the network (app.py: more request threads)
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

    def check(self) -> None:
        """Fail at start, with a message an operator can act on, if the
        bucket cannot be reached (ValueError; no secret in it)."""
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as e:
            raise ValueError(f"object store {self.loc!r} not usable: {e}") from None

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
        """A readable stream, usable in `with` (closed at its end)."""
        return contextlib.closing(self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"])

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

    def open_append(self, sha256: str, length: int, owner: str = ""):
        """An appender for one request's chunk (s3upload.py). The lock is
        taken only while a chunk is stored (commit, finish): no database
        connection is held while the body arrives. BlobBusy then, or
        OffsetMoved if another request stored this offset first."""
        from sync.server.blobs.s3upload import S3Append
        return S3Append(self, sha256, int(length), owner)

    def lock(self, sha256: str, length: int, owner: str):
        return self.locks.acquire(f"blob-upload:{sha256}.{int(length)}.{owner}")

    def upload_key(self, sha256: str, length: int, owner: str) -> str:
        return self._upload_key(sha256, length, owner)

    def discard(self, sha256: str, length: int, owner: str = "") -> None:
        """Abort the multipart upload and drop its tail and row (expiry, a
        hash mismatch)."""
        with self.db.session() as s:
            row = s.get(BlobUpload, (sha256, int(length), owner))
            state = UploadState.of(row) if row else None
            if row:
                s.delete(row)
        if state:
            self._drop(state, self._upload_key(sha256, length, owner))

    def _drop(self, state: UploadState, upload_key: str) -> None:
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
        ids = {UploadState.of(r).multipart_id for r in live}
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
