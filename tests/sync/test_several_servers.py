"""Several server machines act as one: two `serve` processes, each with its
own empty --data folder and port, share one PostgreSQL and one object store
(a real SeaweedFS) behind a round-robin load balancer. A sync whose chunks
alternate between them completes exactly once with the photo's hash
verified, and killing one of them in the middle of an upload loses nothing:
the client goes on through the other."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from sync.client import photos
from sync.client.transport import RetryPolicy, Transport
from sync.server.blobs.models import Blob, BlobUpload
from sync.server.db import Database
from sync.server.records.models import Record
from tests.sync.conftest import make_database
from tests.sync.rrproxy import RoundRobinProxy
from tests.sync.test_server_records import _body, _visit
from tests.sync.test_server_workers import _wait_healthy

ROOT = Path(__file__).resolve().parents[2]
BIG = 20 * 1024 * 1024 + 4321          # three 8 MiB chunks: parts of a multipart upload, streamed


def _serve(data: Path, db_url: str, blob_url: str, seaweed) -> tuple[subprocess.Popen, tuple[str, int]]:
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--workers", "1", "--port", "0",
                             "--data", str(data), "--database-url", db_url, "--blob-url", blob_url,
                             "--s3-endpoint", seaweed.endpoint,
                             "--s3-credentials-file", str(seaweed.credentials_file())],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    line = proc.stdout.readline()
    base = line.split("listening on ", 1)[1].split()[0]
    _wait_healthy(base)
    host, port = base.rsplit("//", 1)[1].rsplit(":", 1)
    return proc, (host, int(port))


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.postgres
@pytest.mark.s3
def test_two_servers_share_uploads_and_survive_one_dying(request, tmp_path, seaweed, s3_url):
    db_url, world = make_database("postgresql", request, tmp_path)
    Database(db_url).close()
    servers = [_serve(tmp_path / f"machine{i}", db_url, s3_url, seaweed) for i in range(2)]
    proxy = RoundRobinProxy([addr for _, addr in servers])
    db = Database(db_url, run_migrations=False)
    live = SimpleNamespace(world=world)
    v, blobs = _visit(live, "a1_petrol", "gas1", photo_sizes=(BIG, 30_000))
    big = next(sha for sha, data in blobs.items() if len(data) == BIG)
    t = Transport(proxy.url, world.tokens["s_a1"], retry=RetryPolicy(base_s=0.05, max_delay_s=0.2))
    try:
        # The record, delivered twice (once per server): stored once.
        body = _body(live, v)
        assert t.once("POST", "/v1/records", json=body)[0] == 201
        assert t.once("POST", "/v1/records", json=body)[1]["status"] == "duplicate"

        # Small photos in 8 KiB chunks: every chunk on the other server,
        # which takes the upload where the first left it (tail object + hash state).
        for sha, data in blobs.items():
            if sha != big:
                out = photos.upload(t, sha, photos._Reader(data), chunk_size=8192, start_offset=0)
                assert out.resumed == 0
        assert proxy.sent[("PATCH", 0)] >= 3 and proxy.sent[("PATCH", 1)] >= 3

        # The big photo: one server is killed while it receives the second chunk.
        patches = {"n": 0}
        victim = {}

        def kill_during_second_chunk(method, path, i):
            if method == "PATCH" and big in path:
                patches["n"] += 1
                if patches["n"] == 2:
                    victim["i"] = i
                    threading.Timer(0.02, os.killpg, (servers[i][0].pid, signal.SIGKILL)).start()
        proxy.on_request = kill_during_second_chunk
        out = photos.upload(t, big, photos._Reader(blobs[big]), start_offset=0)
        assert victim and servers[victim["i"]][0].wait(timeout=10) == -signal.SIGKILL
        assert out.resumed >= 1                        # it went on through the other server

        st = t.once("GET", f"/v1/records/{body['client_id']}")[1]
        assert st["complete"] and st["missing_photos"] == []
        got = t.client.get(f"/v1/blobs/{big}", headers=t._headers(None))
        assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == big
    finally:
        t.close()
        proxy.close()
        for proc, _ in servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(Record.visit_id == v.id)) == 1
        assert s.scalar(select(func.count()).select_from(Blob).where(Blob.sha256.in_(list(blobs)))) == len(blobs)
        assert s.scalar(select(func.count()).select_from(BlobUpload)) == 0
    db.close()
    # Nothing on either server's disk; nothing half-done in the store.
    for i in range(2):
        assert _files(tmp_path / f"machine{i}") == []
    from sync.server.blobs import s3config
    from sync.server.blobs.s3 import S3BlobStore
    store = S3BlobStore(s3config.parse(s3_url, seaweed.endpoint), db=None, locks=None, client=seaweed.client())
    assert {sha for sha, _, _ in store.list_blobs()} == set(blobs)
    far = time.time() + 10 ** 6
    from datetime import datetime, timezone
    assert list(store.stray_uploads(datetime.fromtimestamp(far, timezone.utc), [])) == []
