"""The web console on a server whose photos are in an object store: the
demo's week-3 history moved to a real SeaweedFS by `blobs migrate`, then
served with no photo on the server's disk — photos, thumbnails, documents
with their signature images, and a follow-up file attached and read back."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sync.server.app import create_app
from sync.server.blobs.s3 import S3BlobStore
from sync.server.config import settings_for
from sync.server.db import Database
from sync.server.demo import start_demo
from sync.server.records.models import Record, RecordPhoto
from sync.server.runner import start_in_thread
from tests.console.conftest import ConsoleServer, csrf_of

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.s3


def test_console_reads_and_writes_photos_in_the_object_store(tmp_path, seaweed, s3_url):
    data = tmp_path / "server"
    running, info = start_demo(data, history=True)
    running.stop()
    out = subprocess.run([sys.executable, "-m", "sync.server.cli", "blobs", "migrate", "--to", s3_url,
                          "--data", str(data), "--s3-endpoint", seaweed.endpoint,
                          "--s3-credentials-file", str(seaweed.credentials_file())],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "switched over" in out.stdout, out.stdout + out.stderr
    shutil.rmtree(data / "blobs")                                   # nothing on this disk any more
    settings = settings_for(data, s3_endpoint=seaweed.endpoint, s3_credentials_file=str(seaweed.credentials_file()))
    db = Database(settings.db_url)
    app = create_app(settings, db)
    assert isinstance(app.state.blobs, S3BlobStore)
    running = start_in_thread(app)
    server = ConsoleServer(running.url, info, data, running)
    try:
        with db.session() as s:
            rec = s.scalar(select(Record).where(Record.status == "finished", Record.agency_id == "agency-demo")
                           .order_by(Record.id).limit(1))
            photo = s.scalar(select(RecordPhoto.sha256).where(RecordPhoto.record_id == rec.id).limit(1))
        with server.signed_in("agency") as c:
            page = c.get(f"/console/records/{rec.id}").text
            assert f"/console/blobs/{photo}" in page
            got = c.get(f"/console/blobs/{photo}")
            assert got.status_code == 200 and got.headers["content-type"] in ("image/jpeg", "image/png")
            thumb = c.get(f"/console/blobs/{photo}?thumb=1")
            assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8" and len(thumb.content) < len(
                got.content)
            pdf = c.get(f"/console/records/{rec.id}/documents/sampling_form.pdf")
            assert pdf.status_code == 200
            reader = PdfReader(__import__("io").BytesIO(pdf.content))
            assert any(page.images for page in reader.pages)            # the signature images came from the store

            csrf = csrf_of(c.get("/console/followups").text)
            refused = _refused(db)
            r = c.post(f"/console/followups/{refused}/files", data={"csrf": csrf},
                       files={"file": ("认定书.pdf", b"%PDF-1.4 kept in the object store", "application/pdf")})
            page = c.get(r.headers["location"]).text
            link = re.search(rf'href="(/console/followups/{refused}/files/\d+)"', page).group(1)
            back = c.get(link)
            assert back.status_code == 200 and back.content == b"%PDF-1.4 kept in the object store"
        assert not (data / "blobs").exists()
    finally:
        running.stop()
        db.close()


def _refused(db) -> int:
    with db.session() as s:
        return s.scalar(select(Record.id).where(Record.status == "refused", Record.agency_id == "agency-demo")
                        .limit(1))
