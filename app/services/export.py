"""Export the records this laptop has not delivered yet (a revoked laptop, a
laptop being replaced): one zip file with each record's canonical document
exactly as hashed and signed, every photo it references byte for byte, and a
manifest. The records stay in the outbox: exporting is a copy, and enrolling
again sends them as usual.

zip layout:
  manifest.json                  what is inside, with hashes
  records/<client_id>.json       the canonical bytes (SHA-256 = record_hash)
  photos/<sha256>                original photos and signature images
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app.services.workspace import Workspace
from app.store.sync_models import OutboxItem

UNSYNCED = ("pending", "accepted", "quarantined")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    records: int
    photos: int
    missing_photos: tuple[str, ...]     # referenced but not on this laptop (should not happen)


def unsynced_count(ws: Workspace) -> int:
    with ws.db.session() as s:
        return s.query(OutboxItem).filter(OutboxItem.status.in_(UNSYNCED)).count()


def export_unsynced(ws: Workspace, folder: Path | str, *, now: datetime | None = None) -> ExportResult:
    """Write field-sampler-unsynced-<time>.zip into `folder` (temp file,
    fsync, rename: never a half-written zip under the final name)."""
    from app.version import version
    now = now or datetime.now(timezone.utc)
    with ws.db.session() as s:
        items = (s.query(OutboxItem).filter(OutboxItem.status.in_(UNSYNCED))
                 .order_by(OutboxItem.position).all())
        rows = [(i.client_id, i.kind, i.visit_id, i.task_id, i.record_hash, i.status, bytes(i.canonical),
                 json.loads(i.photo_hashes or "[]")) for i in items]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"field-sampler-unsynced-{now.strftime('%Y%m%d-%H%M%S')}.zip"
    tmp = target.with_name(target.name + ".part")
    shas: list[str] = []
    missing: list[str] = []
    manifest = {"format": "field-sampler-unsynced/1", "app_version": version(), "exported_at": now.isoformat(),
                "device_install_id": ws.device_id, "records": []}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for cid, kind, visit_id, task_id, record_hash, status, canonical, photos in rows:
            z.writestr(f"records/{cid}.json", canonical)
            manifest["records"].append({
                "client_id": cid, "kind": kind, "visit_id": visit_id, "task_id": task_id,
                "record_hash": record_hash, "canonical_sha256": hashlib.sha256(canonical).hexdigest(),
                "status": status, "photos": photos})
            for sha in photos:
                if sha in shas or sha in missing:
                    continue
                path = ws.evidence.path(sha)
                if path.is_file():
                    z.write(path, f"photos/{sha}", compress_type=zipfile.ZIP_STORED)   # JPEGs do not shrink
                    shas.append(sha)
                else:
                    missing.append(sha)
        manifest["missing_photos"] = missing
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return ExportResult(target, len(rows), len(shas), tuple(missing))
