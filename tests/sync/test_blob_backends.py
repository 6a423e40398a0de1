"""Both blob stores behave alike: the filesystem and the S3-compatible one
(against a real SeaweedFS). For the object store, everything an upload
needs is in the database and the store: another server machine, or the
same one restarted, takes the next chunk and the running SHA-256 with it."""
from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path

import pytest

from sync.server.blobs import sha256state
from sync.server.blobs.backends import open_store
from sync.server.blobs.models import BlobUpload
from sync.server.blobs.s3state import MIN_PART
from sync.server.blobs.store import BlobBusy
from sync.server.config import settings_for
from sync.server.db import Database
from tests.sync.conftest import s3_settings

BACKENDS = ["disk", pytest.param("s3", marks=[pytest.mark.s3, pytest.mark.postgres])]
_dbs = itertools.count()


class Server:
    """One 'server machine': its own empty --data, its own connections."""

    def __init__(self, request, data: Path, db_url: str, blob_url: str):
        extra = s3_settings(request.getfixturevalue("seaweed")) if blob_url else {}
        self.settings = settings_for(data, db_url, blob_url=blob_url, **extra)
        self.db = Database(self.settings.db_url)
        self.store = open_store(self.settings, self.db)

    def close(self):
        self.db.close()


@pytest.fixture(params=BACKENDS)
def machines(request, tmp_path):
    """A factory of servers sharing one database and one blob store."""
    yield from _machines(request, tmp_path, request.param)


@pytest.fixture
def s3_machines(request, tmp_path):
    yield from _machines(request, tmp_path, "s3")


def _machines(request, tmp_path, backend):
    """Several machines share one database and one blob store: for the
    object store, PostgreSQL (what several machines need); for the disk,
    SQLite and one folder (one machine, several processes)."""
    made = []
    db_url = f"sqlite:///{tmp_path / 'shared.db'}"
    if backend == "s3":
        db_url = request.getfixturevalue("pg_cluster").create_database(f"fs_blobs_{next(_dbs)}")
        blob_url = request.getfixturevalue("s3_url")
        shared_data = None
    else:
        blob_url = ""
        shared_data = tmp_path / "disk"          # the disk store: the same folder

    def make() -> Server:
        data = shared_data or tmp_path / f"machine{len(made)}"
        s = Server(request, data, db_url, blob_url)
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


def _chunk(store, sha, length, data, *, finish=False, declare=True):
    """One request's chunk, as the route drives the appender."""
    with store.open_append(sha, length) as f:
        f.expect(len(data) if declare else None)     # the object store streams a part as it arrives
        f.write(data)
        if finish:
            return f.finish()
        f.commit()


def _read(store, sha) -> bytes:
    return b"".join(store.iter_bytes(sha))


def test_small_chunks_from_alternating_machines_publish_the_blob(machines):
    a, b = machines(), machines()
    data = os.urandom(3 * 1024 + 17)
    sha = hashlib.sha256(data).hexdigest()
    pieces = [data[i:i + 1024] for i in range(0, len(data), 1024)]
    for i, piece in enumerate(pieces[:-1]):
        _chunk((a, b)[i % 2].store, sha, len(data), piece)
        assert (b, a)[i % 2].store.partial_size(sha, len(data)) == (i + 1) * 1024
    assert _chunk(b.store, sha, len(data), pieces[-1], finish=True)
    assert a.store.has(sha) and a.store.size(sha) == len(data) and _read(a.store, sha) == data


@pytest.mark.s3
@pytest.mark.postgres
def test_parts_of_a_multipart_upload_from_two_machines_and_a_restart(s3_machines):
    """Chunks of 5 MiB and more are parts of one multipart upload; below
    that they wait in a tail object. The running hash travels in the
    database: the finishing machine has seen only the last chunk."""
    machines = s3_machines
    a, b = machines(), machines()
    data = os.urandom(2 * MIN_PART + 1_300_000)
    sha = hashlib.sha256(data).hexdigest()
    cuts = [0, 1_000_000, MIN_PART + 1_000_000, 2 * MIN_PART + 1_000_000, len(data)]   # tail, part, part, last
    for i in range(len(cuts) - 2):
        _chunk((a, b)[i % 2].store, sha, len(data), data[cuts[i]:cuts[i + 1]])
    with a.db.session() as s:
        row = s.get(BlobUpload, (sha, len(data), ""))
        assert row.stored == cuts[-2] and row.tail == 0 and row.hash_state
    restarted = machines()                                   # a third machine, never seen this upload
    assert _chunk(restarted.store, sha, len(data), data[cuts[-2]:], finish=True)
    assert _read(a.store, sha) == data
    assert not list(a.store.stray_uploads(_far_future(), []))   # no multipart upload or tail left behind


def _far_future():
    from datetime import datetime, timezone
    return datetime(2999, 1, 1, tzinfo=timezone.utc)


def test_damaged_bytes_are_refused_and_nothing_is_published(machines):
    a, b = machines(), machines()
    data = bytearray(os.urandom(6000))
    sha = hashlib.sha256(bytes(data)).hexdigest()
    data[4321] ^= 0xFF
    _chunk(a.store, sha, len(data), bytes(data[:3000]))
    assert not _chunk(b.store, sha, len(data), bytes(data[3000:]), finish=True)
    assert not a.store.has(sha) and a.store.partial_size(sha, len(data)) == 0


def test_one_upload_of_a_blob_at_a_time_on_disk(tmp_path):
    """The disk store locks the partial file for the whole request."""
    from sync.server.blobs.store import DiskBlobStore
    a, b = DiskBlobStore(tmp_path), DiskBlobStore(tmp_path)
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    with a.open_append(sha, len(data)) as f:
        f.write(data[:100])
        with pytest.raises(BlobBusy):
            b.open_append(sha, len(data))
    _chunk(b, sha, len(data), data[100:], finish=True)
    assert b"".join(a.iter_bytes(sha)) == data


@pytest.mark.s3
@pytest.mark.postgres
def test_two_requests_racing_on_two_machines_one_stores_the_other_is_sent_on(s3_machines):
    """The object store locks only while a chunk is stored: the first to
    store wins; the other learns the new offset and keeps nothing."""
    from sync.server.blobs.store import OffsetMoved
    a, b = s3_machines(), s3_machines()
    data = os.urandom(MIN_PART + 5000)
    sha = hashlib.sha256(data).hexdigest()
    fa = a.store.open_append(sha, len(data))
    fb = b.store.open_append(sha, len(data))
    fa.expect(MIN_PART)
    fa.write(data[:MIN_PART])                       # a part, streaming
    fb.expect(3000)
    fb.write(os.urandom(3000))                      # damaged bytes at the same offset, spooled
    with pytest.raises(BlobBusy):                   # while a stores, nobody else does
        with a.store.lock(sha, len(data), ""):
            fb.commit()
    fa.commit()
    with pytest.raises(OffsetMoved) as moved:
        fb.commit()
    assert moved.value.offset == MIN_PART
    fa.__exit__(None, None, None)
    fb.__exit__(None, None, None)
    assert _chunk(b.store, sha, len(data), data[MIN_PART:], finish=True)
    assert _read(a.store, sha) == data


@pytest.mark.s3
@pytest.mark.postgres
def test_a_streamed_part_cut_short_keeps_nothing_and_leaves_nothing(s3_machines):
    a = s3_machines()
    data = os.urandom(2 * MIN_PART)
    sha = hashlib.sha256(data).hexdigest()
    with a.store.open_append(sha, len(data)) as f:
        f.expect(MIN_PART + 100)                      # a part: streamed as it arrives
        f.write(data[:MIN_PART + 10])                 # the connection drops here
        f.commit()
    assert a.store.partial_size(sha, len(data)) == 0
    assert list(a.store.stray_uploads(_far_future(), [])) == []   # the multipart upload was aborted
    assert _chunk(a.store, sha, len(data), data, finish=True)


def test_a_cut_chunk_keeps_what_arrived(machines):
    """The route truncates a chunk that overran and commits the rest."""
    a = machines()
    data = os.urandom(4000)
    sha = hashlib.sha256(data).hexdigest()
    with a.store.open_append(sha, len(data)) as f:
        f.write(data[:1500])
        f.write(b"overrun")
        f.truncate(1500)
        f.commit()
    assert a.store.partial_size(sha, len(data)) == 1500
    assert _chunk(machines().store, sha, len(data), data[1500:], finish=True)


@pytest.mark.s3
@pytest.mark.postgres
def test_without_a_saved_hash_state_the_object_store_hashes_what_it_assembled(s3_machines, monkeypatch):
    """Where OpenSSL's SHA256 state cannot be kept, parts are assembled
    under uploads/ and read back; only matching bytes get the name."""
    machines = s3_machines
    monkeypatch.setattr(sha256state, "available", lambda: False)
    a, b = machines(), machines()
    data = os.urandom(MIN_PART + 1000)
    sha = hashlib.sha256(data).hexdigest()
    _chunk(a.store, sha, len(data), data[:MIN_PART])
    assert _chunk(b.store, sha, len(data), data[MIN_PART:], finish=True)
    assert _read(a.store, sha) == data
    bad = bytearray(data)
    bad[7] ^= 1
    other = hashlib.sha256(b"x" + bytes(bad)).hexdigest()
    _chunk(a.store, other, len(bad), bytes(bad[:MIN_PART]))
    assert not _chunk(b.store, other, len(bad), bytes(bad[MIN_PART:]), finish=True)
    assert not a.store.has(other) and not list(a.store.stray_uploads(_far_future(), []))


@pytest.mark.s3
@pytest.mark.postgres
def test_a_tail_rewritten_by_a_server_that_died_counts_only_its_recorded_bytes(s3_machines):
    """A server stored a longer tail and died before saving the state: the
    next one reads only the bytes the database vouches for."""
    machines = s3_machines
    a = machines()
    data = os.urandom(9000)
    sha = hashlib.sha256(data).hexdigest()
    _chunk(a.store, sha, len(data), data[:4000])
    a.store.client.put_object(Bucket=a.store.bucket, Key=a.store._upload_key(sha, len(data), "") + "/tail",
                              Body=data[:4000] + b"half-stored by a dying server")
    assert _chunk(machines().store, sha, len(data), data[4000:], finish=True)
    assert _read(a.store, sha) == data


def test_credentials_file_must_be_private(tmp_path):
    from sync.server.blobs.s3config import read_credentials_file
    p = tmp_path / "creds"
    p.write_text("access_key_id = AK\nsecret_access_key = SK\n")
    p.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        read_credentials_file(p)
    p.chmod(0o600)
    assert read_credentials_file(p) == ("AK", "SK")


def test_a_blob_url_with_keys_in_it_is_refused():
    from sync.server.blobs.s3config import parse
    with pytest.raises(ValueError, match="no keys"):
        parse("s3://AKIA:secret@bucket/prefix")
    loc = parse("s3://bucket/a/b/", "http://127.0.0.1:9000")
    assert (loc.bucket, loc.prefix, loc.endpoint) == ("bucket", "a/b/", "http://127.0.0.1:9000")


def test_saved_sha256_state_resumes_in_a_fresh_object():
    assert sha256state.available()          # Debian's and Python's libcrypto: the fast path is the one tested
    data = os.urandom(100_000)
    h = sha256state.ResumableSha256()
    h.update(data[:33_333])
    resumed = sha256state.ResumableSha256.from_state(h.state())
    resumed.update(data[33_333:])
    assert resumed.hexdigest() == hashlib.sha256(data).hexdigest()
