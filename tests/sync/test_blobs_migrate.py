"""`field-sampler-server blobs migrate --to s3://...`: every blob copied from
the disk to the object store and verified by its hash, resumable, and the
server switched over only once everything is there."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sync.server.app import create_app
from sync.server.blobs import s3config
from sync.server.blobs.backends import recorded_url
from sync.server.blobs.s3 import S3BlobStore
from sync.server.config import settings_for
from sync.server.db import Database
from sync.server.runner import start_in_thread
from tests.sync.conftest import make_database
from tests.sync.test_server_records import _body, _visit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.s3


def _migrate(data: Path, db_url: str, to: str, seaweed) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync.server.cli", "blobs", "migrate", "--to", to,
                           "--data", str(data), "--database-url", db_url, "--s3-endpoint", seaweed.endpoint,
                           "--s3-credentials-file", str(seaweed.credentials_file())],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_migrate_copies_verifies_resumes_and_then_switches(request, tmp_path, seaweed, s3_url):
    db_url, world = make_database("sqlite", request, tmp_path)
    data = tmp_path / "data"
    settings = settings_for(data, db_url)
    db = Database(db_url)
    running = start_in_thread(create_app(settings, db))
    live = type("L", (), {"world": world})()
    v, photos = _visit(live, "a1_petrol", "gas1")
    with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {world.tokens['s_a1']}"}) as c:
        assert c.post("/v1/records", json=_body(live, v)).status_code == 201
        for sha, blob in photos.items():
            r = c.patch(f"/v1/blobs/{sha}", content=blob,
                        headers={"Upload-Offset": "0", "Upload-Length": str(len(blob))})
            assert r.json()["complete"]
    running.stop()
    target = S3BlobStore(s3config.parse(s3_url, seaweed.endpoint), db=db, locks=None, client=seaweed.client())
    shas = sorted(photos)

    # An earlier run was cut short: one blob copied, one copied damaged.
    target.client.put_object(Bucket=target.bucket, Key=target.key(shas[0]), Body=photos[shas[0]])
    damaged = bytearray(photos[shas[1]])
    damaged[10] ^= 1
    target.client.put_object(Bucket=target.bucket, Key=target.key(shas[1]), Body=bytes(damaged))
    # And a registered blob is missing from the disk: no switch.
    lost = data / "blobs" / "objects" / shas[2][:2] / shas[2]
    shutil.move(lost, tmp_path / "aside")
    out = _migrate(data, db_url, s3_url, seaweed)
    assert out.returncode == 1 and "not switched over" in out.stderr and shas[2] in out.stderr
    assert f"{len(shas) - 2} blobs copied" in out.stdout and "1 already there" in out.stdout
    assert recorded_url(db) == ""
    assert b"".join(target.iter_bytes(shas[1])) == photos[shas[1]]          # the damaged copy was replaced

    shutil.move(tmp_path / "aside", lost)
    out = _migrate(data, db_url, s3_url, seaweed)                         # resumed: only the last one is sent
    assert out.returncode == 0, out.stderr
    assert "1 blobs copied" in out.stdout and f"{len(shas) - 1} already there" in out.stdout
    assert "switched over" in out.stdout and seaweed.SECRET_KEY not in out.stdout + out.stderr
    assert recorded_url(db) == s3_url
    for sha in shas:
        assert hashlib.sha256(b"".join(target.iter_bytes(sha))).hexdigest() == sha

    # The restarted server (no --blob-url) serves from the object store,
    # even with the disk copies gone.
    shutil.rmtree(data / "blobs")
    restarted = create_app(settings_for(data, db_url, s3_endpoint=seaweed.endpoint,
                                        s3_credentials_file=str(seaweed.credentials_file())), db)
    assert isinstance(restarted.state.blobs, S3BlobStore)
    running = start_in_thread(restarted)
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {world.tokens['s_a1']}"}) as c:
            for sha in shas:
                r = c.get(f"/v1/blobs/{sha}")
                assert r.status_code == 200 and r.content == photos[sha]
    finally:
        running.stop()
        db.close()


def test_serve_refuses_to_start_without_its_bucket_and_never_prints_the_key(tmp_path, seaweed):
    out = subprocess.run([sys.executable, "-m", "sync.server.cli", "serve", "--port", "0", "--data", str(tmp_path),
                          "--blob-url", "s3://no-such-bucket/photos", "--s3-endpoint", seaweed.endpoint,
                          "--s3-credentials-file", str(seaweed.credentials_file())],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "s3://no-such-bucket/photos/" in out.stderr and "not usable" in out.stderr
    assert seaweed.SECRET_KEY not in out.stdout + out.stderr and "listening" not in out.stdout
