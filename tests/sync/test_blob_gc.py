"""Abandoned uploads expire, with either blob store: a per-device quota on
open uploads, and `gc` (also run by `serve` on a schedule) removes expired
partial uploads and blobs no record cites once past their grace period.
Nothing a record cites is ever removed."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select, update

from sync.server.app import create_app
from sync.server.blobs import gc
from sync.server.blobs.models import Blob, BlobUpload
from sync.server.config import settings_for
from sync.server.db import Database, utcnow
from sync.server.runner import start_in_thread
from tests.sync.conftest import make_database, s3_settings
from tests.sync.test_server_records import _body, _visit

ROOT = Path(__file__).resolve().parents[2]
STORES = ["disk", pytest.param("s3", marks=[pytest.mark.s3, pytest.mark.postgres])]


def _server(request, tmp_path, store: str, **kw):
    """disk: SQLite and <data>/blobs; s3: PostgreSQL and SeaweedFS."""
    db_url, world = make_database("sqlite" if store == "disk" else "postgresql", request, tmp_path)
    extra = {}
    if store == "s3":
        extra = {"blob_url": request.getfixturevalue("s3_url"), **s3_settings(request.getfixturevalue("seaweed"))}
    settings = settings_for(tmp_path / "data", db_url, **extra, **kw)
    db = Database(db_url)
    app = create_app(settings, db)
    running = start_in_thread(app)
    request.addfinalizer(lambda: (running.stop(), db.close()))
    return SimpleNamespace(url=running.url, db=db, world=world, settings=settings, store=app.state.blobs,
                           client=lambda user: httpx.Client(base_url=running.url, timeout=30, headers={
                               "Authorization": f"Bearer {world.tokens[user]}"}))


def _patch(c, sha, data, offset, length):
    return c.patch(f"/v1/blobs/{sha}", content=data,
                   headers={"Upload-Offset": str(offset), "Upload-Length": str(length)})


def _offset(srv, sha: str, length: int, user: str = "s_a1") -> int:
    """Where the device's upload of this blob stands, as it asks it."""
    with srv.client(user) as c:
        return c.get(f"/v1/blobs/{sha}/upload", params={"length": length}).json()["offset"]


def _blob(n: int) -> tuple[str, bytes]:
    data = os.urandom(n)
    return hashlib.sha256(data).hexdigest(), data


@pytest.mark.parametrize("store", STORES)
def test_a_device_has_a_quota_of_open_uploads(request, tmp_path, store):
    srv = _server(request, tmp_path, store, max_open_uploads=2, max_open_upload_bytes=10_000_000)
    started = [_blob(3000) for _ in range(3)]
    with srv.client("s_a1") as c, srv.client("s_b1") as other:
        for sha, data in started[:2]:
            assert _patch(c, sha, data[:1000], 0, len(data)).json()["offset"] == 1000
        sha, data = started[2]
        r = _patch(c, sha, data[:1000], 0, len(data))
        assert r.status_code == 429 and r.json()["error"]["code"] == "blob.quota"
        assert "未完成的照片上传过多" in r.json()["error"]["zh"] and "unfinished" in r.json()["error"]["en"]
        assert _patch(other, sha, data, 0, len(data)).json()["complete"]     # another device: its own quota
        # A declared length beyond the byte quota is refused too, even as the only upload.
        big = _blob(100)[0]
        assert _patch(c, big, b"x", 0, 10_000_001).status_code in (413, 429)
        # Finishing one frees its place.
        sha0, data0 = started[0]
        assert _patch(c, sha0, data0[1000:], 1000, len(data0)).json()["complete"]
        sha2, data2 = _blob(3000)
        assert _patch(c, sha2, data2, 0, len(data2)).json()["complete"]


@pytest.mark.parametrize("store", STORES)
def test_gc_removes_expired_uploads_and_uncited_blobs_and_keeps_cited_ones(request, tmp_path, store):
    srv = _server(request, tmp_path, store, gc_interval_s=0)
    v, photos = _visit(srv, "a1_petrol", "gas1")
    abandoned, fresh, orphan = _blob(9000), _blob(9000), _blob(5000)
    with srv.client("s_a1") as c:
        assert c.post("/v1/records", json=_body(srv, v)).status_code == 201
        for sha, data in photos.items():                             # cited by the record
            assert _patch(c, sha, data, 0, len(data)).json()["complete"]
        assert _patch(c, orphan[0], orphan[1], 0, len(orphan[1])).json()["complete"]   # cited by nothing
        assert _patch(c, abandoned[0], abandoned[1][:4000], 0, 9000).json()["offset"] == 4000
    s = srv.settings
    with srv.db.session() as session:                                # the abandoned one was left long ago
        session.execute(update(BlobUpload).where(BlobUpload.sha256 == abandoned[0]).values(
            touched_at=utcnow() - timedelta(hours=s.upload_expiry_hours + 1)))
    with srv.client("s_a1") as c:
        assert _patch(c, fresh[0], fresh[1][:4000], 0, 9000).json()["offset"] == 4000

    # Within the grace period the orphan stays; the expired upload goes.
    report = gc.collect(db=srv.db, store=srv.store, settings=s)
    assert report.expired_uploads == 1 and report.orphan_blobs == 0
    assert _offset(srv, abandoned[0], 9000) == 0 and _offset(srv, fresh[0], 9000) == 4000   # it starts again from 0

    # Past the grace period: the uncited blob goes, every cited photo stays.
    later = utcnow() + timedelta(hours=s.blob_grace_hours + 1)
    report = gc.collect(db=srv.db, store=srv.store, settings=s, now=later)
    assert report.orphan_blobs == 1
    assert not srv.store.has(orphan[0])
    with srv.db.session() as session:
        assert session.get(Blob, orphan[0]) is None
    for sha, data in photos.items():
        assert srv.store.has(sha) and b"".join(srv.store.iter_bytes(sha)) == data
    with srv.client("s_a1") as c:
        st = c.get(f"/v1/records/c-{v.id}").json()
        assert st["complete"] and st["missing_photos"] == []
        assert c.post("/v1/blobs/missing", json={"hashes": [orphan[0]]}).json()["missing"] == [orphan[0]]


@pytest.mark.parametrize("store", STORES)
def test_gc_removes_bytes_a_dead_server_left_without_a_row(request, tmp_path, store):
    """A server died between publishing a blob and registering it, or
    between starting an upload and saving its row: once old, gc drops it."""
    srv = _server(request, tmp_path, store, gc_interval_s=0)
    sha, data = _blob(6000)
    with srv.store.open_append(sha, len(data)) as f:                 # published, never registered
        f.write(data)
        assert f.finish()
    half, hdata = _blob(6000)
    with srv.store.open_append(half, len(hdata)) as f:               # begun, its row then lost
        f.write(hdata[:2000])
        f.commit()
    with srv.db.session() as session:
        session.execute(BlobUpload.__table__.delete())
    assert gc.collect(db=srv.db, store=srv.store, settings=srv.settings).unregistered_objects == 0
    later = utcnow() + timedelta(hours=srv.settings.blob_grace_hours + 1)
    report = gc.collect(db=srv.db, store=srv.store, settings=srv.settings, now=later)
    assert report.unregistered_objects == 1 and report.stray_uploads >= 1
    assert not srv.store.has(sha) and list(srv.store.stray_uploads(later, [])) == []


def test_serve_runs_gc_on_a_schedule(request, tmp_path):
    srv = _server(request, tmp_path, "disk", gc_interval_s=0.2)
    sha, data = _blob(5000)
    with srv.client("s_a1") as c:
        assert _patch(c, sha, data[:100], 0, len(data)).json()["offset"] == 100
    with srv.db.session() as session:
        session.execute(update(BlobUpload).values(touched_at=utcnow() - timedelta(days=30)))
    deadline = time.monotonic() + 20
    while _offset(srv, sha, len(data)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _offset(srv, sha, len(data)) == 0
    with srv.db.session() as session:
        assert session.scalars(select(BlobUpload)).first() is None


def test_gc_command(request, tmp_path):
    db_url, world = make_database("sqlite", request, tmp_path)
    data_dir = tmp_path / "data"
    settings = settings_for(data_dir, db_url)
    db = Database(db_url)
    app = create_app(settings, db)
    running = start_in_thread(app)
    sha, blob = _blob(5000)
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {world.tokens['s_a1']}"}) as c:
            assert _patch(c, sha, blob[:100], 0, len(blob)).json()["offset"] == 100
    finally:
        running.stop()
    with db.session() as session:
        session.execute(update(BlobUpload).values(touched_at=utcnow() - timedelta(days=30)))
    db.close()
    out = subprocess.run([sys.executable, "-m", "sync.server.cli", "gc", "--data", str(data_dir),
                          "--database-url", db_url], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "expired uploads removed: 1" in out.stdout
    assert list((data_dir / "blobs" / "partial").iterdir()) == []
