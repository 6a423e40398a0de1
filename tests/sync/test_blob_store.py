"""The server's blob store: a blob is published only when its bytes hash to
its name, whether the hash was kept while the chunks arrived or the partial
file has to be read back (after a server restart or a truncation)."""
from __future__ import annotations

import hashlib
import os

from sync.server.blobs.store import DiskBlobStore


def _append(store, sha, length, data):
    with store.open_append(sha, length) as f:
        f.write(data)


def test_chunks_hashed_on_arrival_publish_the_blob(tmp_path):
    data = os.urandom(3 * 1024 + 17)
    sha = hashlib.sha256(data).hexdigest()
    store = DiskBlobStore(tmp_path)
    for i in range(0, len(data), 1024):
        _append(store, sha, len(data), data[i:i + 1024])
    assert store.finish(sha, len(data)) and store.has(sha)
    assert store.open(sha).read() == data


def test_restart_mid_upload_reads_the_partial_back(tmp_path):
    data = os.urandom(4000)
    sha = hashlib.sha256(data).hexdigest()
    _append(DiskBlobStore(tmp_path), sha, len(data), data[:1500])
    restarted = DiskBlobStore(tmp_path)                 # the running hash is gone
    assert restarted.partial_size(sha, len(data)) == 1500
    _append(restarted, sha, len(data), data[1500:])
    assert restarted.finish(sha, len(data)) and restarted.open(sha).read() == data


def test_corrupted_bytes_are_refused_and_nothing_is_published(tmp_path):
    data = bytearray(os.urandom(2048))
    sha = hashlib.sha256(bytes(data)).hexdigest()
    data[100] ^= 0xFF
    store = DiskBlobStore(tmp_path)
    _append(store, sha, len(data), bytes(data))
    assert not store.finish(sha, len(data))
    assert not store.has(sha) and store.partial_size(sha, len(data)) == 0


def test_truncated_chunk_falls_back_to_reading_back(tmp_path):
    data = os.urandom(3000)
    sha = hashlib.sha256(data).hexdigest()
    store = DiskBlobStore(tmp_path)
    with store.open_append(sha, len(data)) as f:
        f.write(data[:1000])
        f.write(b"garbage")
        f.truncate(1000)                                 # a chunk that overran was cut back
    _append(store, sha, len(data), data[1000:])
    assert store.finish(sha, len(data))


def test_a_partial_restarted_by_another_worker_is_read_back_not_trusted(tmp_path):
    """Two worker processes share the folder. Worker A hashed the first
    half of the true bytes; the upload then failed, and worker B started the
    partial afresh with damaged bytes of the same length. When A receives
    the (true) rest, A's running hash must not vouch for B's bytes."""
    data = os.urandom(4000)
    sha = hashlib.sha256(data).hexdigest()
    a, b = DiskBlobStore(tmp_path), DiskBlobStore(tmp_path)
    _append(a, sha, len(data), data[:2000])
    b.discard(sha, len(data))
    damaged = bytearray(data[:2000])
    damaged[7] ^= 0x01
    _append(b, sha, len(data), bytes(damaged))
    with a.open_append(sha, len(data)) as f:
        assert f.size() == 2000
        f.write(data[2000:])
        assert not f.finish()                      # read back: the bytes do not hash to the name
    assert not a.has(sha)


def test_large_upload_hashed_in_batches_on_the_hashing_thread(tmp_path):
    """Several MiB in network-sized pieces, across two requests: the hash
    kept while they arrived (in 1 MiB batches off the receiving thread)
    matches, and one flipped byte in the middle is still caught."""
    from sync.server.blobs.store import HASH_BATCH
    data = os.urandom(3 * HASH_BATCH + 12_345)
    sha = hashlib.sha256(data).hexdigest()
    store = DiskBlobStore(tmp_path)
    half = len(data) // 2
    for start, end in ((0, half), (half, len(data))):
        with store.open_append(sha, len(data)) as f:
            for i in range(start, end, 65_536):
                f.write(data[i:min(i + 65_536, end)])
            if end == len(data):
                assert f.finish()
    assert store.open(sha).read() == data

    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x01
    other = DiskBlobStore(tmp_path / "other")
    with other.open_append(sha, len(bad)) as f:
        for i in range(0, len(bad), 65_536):
            f.write(bytes(bad[i:i + 65_536]))
        assert not f.finish()
    assert not other.has(sha)


def test_each_uploader_has_its_own_partial_and_bytes_already_published_stay(tmp_path):
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    store = DiskBlobStore(tmp_path)
    with store.open_append(sha, len(data), "teamA") as f:
        f.write(data[:3000])
    assert store.partial_size(sha, len(data), "teamB") == 0          # B sees none of A's upload
    with store.open_append(sha, len(data), "teamB") as f:               # nor waits for it
        f.write(data)
        assert f.finish()
    published = store.path(sha).stat().st_ino
    with store.open_append(sha, len(data), "teamA") as f:
        f.write(data[3000:])
        assert f.finish()                                                # verified: A has the bytes too
    assert store.path(sha).stat().st_ino == published and store.open(sha).read() == data
    assert store.partial_size(sha, len(data), "teamA") == store.partial_size(sha, len(data), "teamB") == 0
    with store.open_append(sha, len(data), "teamC") as f:               # wrong bytes are still refused
        f.write(os.urandom(len(data)))
        assert not f.finish()
    for bad in ("../x", "a/b", "", "x" * 65):
        if bad:
            try:
                store.partial_size(sha, 10, bad)
            except ValueError:
                continue
            raise AssertionError(bad)
