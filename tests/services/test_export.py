"""Exporting the unsynced records (a revoked or replaced laptop): one zip
with each record's canonical bytes (their SHA-256 is the record hash), every
photo byte for byte, and a manifest; the outbox is left as it was."""
from __future__ import annotations

import hashlib
import json
import zipfile

from app.services.export import export_unsynced, unsynced_count
from app.store.sync_models import OutboxItem
from tests.conftest import signature_png
from tests.scenarios import complete_visit


def test_export_has_every_unsynced_record_and_photo(seeded, make_jpeg, tmp_path):
    complete_visit(seeded, make_jpeg, signature_png, task_id="t-gas-1")
    complete_visit(seeded, make_jpeg, signature_png, task_id="t-gas-2")
    with seeded.db.session() as s:        # one already delivered: not exported
        s.query(OutboxItem).filter(OutboxItem.task_id == "t-gas-2").one().status = "sent"
    assert unsynced_count(seeded) == 1
    result = export_unsynced(seeded, tmp_path / "usb")
    assert result.records == 1 and result.photos >= 6 and result.missing_photos == ()
    assert result.path.parent == tmp_path / "usb" and result.path.suffix == ".zip"
    assert not list((tmp_path / "usb").glob("*.part"))
    with zipfile.ZipFile(result.path) as z:
        manifest = json.loads(z.read("manifest.json"))
        (rec,) = manifest["records"]
        assert rec["status"] == "pending" and rec["task_id"] == "t-gas-1"
        canonical = z.read(f"records/{rec['client_id']}.json")
        assert hashlib.sha256(canonical).hexdigest() == rec["record_hash"]
        for sha in rec["photos"]:
            data = z.read(f"photos/{sha}")
            assert hashlib.sha256(data).hexdigest() == sha
            assert data == seeded.evidence.read(sha)
    assert unsynced_count(seeded) == 1       # a copy: still queued for delivery
