"""Evidence photos: ingest (hash + store + thumbnail + what the file says
about when and where it was taken; slow, runs off the GUI thread) and attach
(a quick database write that also checks that time and place against the
visit: app.domain.evidence_checks)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app.domain import evidence_checks
from app.domain.messages import RuleViolation
from app.domain.visit import EvidenceCategory, EvidenceItem, Visit
from app.services.visits import editing, mutate
from app.services.workspace import Workspace
from app.store.media_meta import MediaMeta, read_meta
from app.store.models import PhotoRow

CAMERA_INBOX = "camera-inbox"    # the app's own camera captures (app.ui.camera) land here


@dataclass(frozen=True)
class Imported:
    """A stored original and its capture metadata."""
    stored: object               # app.store.evidence.StoredPhoto
    meta: MediaMeta

    def __getattr__(self, name):  # reads like the StoredPhoto it wraps
        return getattr(self.stored, name)


def ingest(ws: Workspace, path: str | Path) -> Imported:
    """Store the original byte for byte and read its capture time and
    position (the stored copy is only read); raises RuleViolation for a file
    that is not a usable image (nothing is stored then)."""
    from app.store.evidence import PhotoRejected
    path = Path(path)
    try:
        stored = ws.evidence.put_file(path)
    except PhotoRejected as e:
        raise RuleViolation([e.problem]) from None
    meta = read_meta(ws.evidence.path(stored.sha256))
    if meta.taken_at is None and path.parent.name == CAMERA_INBOX:
        # Our own camera writes no EXIF; the file was written when it was taken.
        meta = MediaMeta(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(microsecond=0),
                         meta.latitude, meta.longitude)
    return Imported(stored, meta)


def ingest_batch(ws: Workspace, paths: list[str], report=None) -> list[tuple[str, object]]:
    """Each path with its StoredPhoto, or the RuleViolation that refused it,
    in order. Whatever goes wrong with one file (gone, a folder, no
    permission, not an image, the disk filling) is that file's problem only:
    every other file is still tried, and every good one is stored."""
    from app.services import failures
    out: list[tuple[str, object]] = []
    if report:
        report(0, len(paths), "")
    for i, p in enumerate(paths, 1):
        try:
            out.append((p, ingest(ws, p)))
        except Exception as e:                        # noqa: BLE001 - classified below, never lost
            found = failures.problems(e, name=Path(p).name)
            if not isinstance(e, RuleViolation):
                failures.log.warning("photo %s refused: %r", p, e)
            out.append((p, RuleViolation(found)))
        if report:
            report(i, len(paths), Path(p).name)
    return out


def _index(s, ws: Workspace, stored, name: str) -> None:
    if s.get(PhotoRow, stored.sha256) is None:
        s.add(PhotoRow(sha256=stored.sha256, size=stored.size, media=stored.media_type,
                       width=stored.width or 0, height=stored.height or 0,
                       original_name=name[:300], stored_at=ws.now()))


def attach(ws: Workspace, visit_id: str, category: EvidenceCategory, stored, *, name: str = "",
           note: str = "") -> EvidenceItem:
    """Add an ingested file to the visit (`stored`: what ingest returned)."""
    return attach_batch(ws, visit_id, category, [(name, stored)], note=note, only_new=False).evidence[-1]


def attach_batch(ws: Workspace, visit_id: str, category: EvidenceCategory, batch: list[tuple[str, object]],
                 *, note: str = "", only_new: bool = True) -> Visit:
    """Add ingested files, (original name, what ingest returned) each, to the
    visit in one save: a batch chosen in the dialog or dropped lands whole,
    and the visit is read and written once, not once per photo. Returns the
    visit as saved (its last items are the batch's).

    only_new: a photo the category already shows (the camera folder chosen
    again to add the last few) is not added a second time."""
    now = ws.now()
    indexed: set[str] = set()
    with editing(ws, visit_id) as (s, v):
        shown = {e.sha256 for e in v.live_evidence(category)} if only_new else set()
        for name, stored in batch:
            if only_new and stored.sha256 in shown:
                continue
            shown.add(stored.sha256)
            meta = stored.meta if isinstance(stored, Imported) else MediaMeta()
            stored = stored.stored if isinstance(stored, Imported) else stored
            taken = meta.taken_at.replace(microsecond=0) if meta.taken_at else None
            item = EvidenceItem(id=str(uuid.uuid4()), category=category, sha256=stored.sha256,
                                media=stored.media_type, captured_at=now, note=note, taken_at=taken,
                                latitude=meta.latitude, longitude=meta.longitude)
            if stored.sha256 not in indexed:        # the same file twice in one batch: one row
                indexed.add(stored.sha256)
                _index(s, ws, stored, name)
            if item.latitude and v.party.latitude:
                item.distance_m = evidence_checks.distance_m(item.latitude, item.longitude,
                                                             v.party.latitude, v.party.longitude)
            item.flags = evidence_checks.photo_flags(taken_at=taken, imported_at=now, visit_started=v.started_at,
                                                     distance=item.distance_m)
            v.evidence.append(item)
    return v


def add_evidence(ws: Workspace, visit_id: str, category: EvidenceCategory, path: str | Path,
                 *, note: str = "") -> EvidenceItem:
    stored = ingest(ws, path)
    return attach(ws, visit_id, category, stored, name=Path(path).name, note=note)


def remove_evidence(ws: Workspace, visit_id: str, evidence_id: str) -> Visit:
    """Before signing a photo can leave the record; the original stays in the store."""
    def change(v: Visit) -> None:
        for e in v.evidence:
            if e.id == evidence_id:
                e.removed = True
    return mutate(ws, visit_id, change)


def store_image_bytes(ws: Workspace, data: bytes, name: str):
    """Signature PNGs are evidence too: content-addressed like photos."""
    from app.store.evidence import PhotoRejected
    try:
        stored = ws.evidence.put_bytes(data, name)
    except PhotoRejected as e:
        raise RuleViolation([e.problem]) from None
    with ws.db.session() as s:
        _index(s, ws, stored, name)
    return stored
