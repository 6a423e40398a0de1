"""One record as the console shows it: the stored document parsed back into
the domain's Visit, its hash recomputed from the stored bytes (an altered
row shows as mismatched), and its amendment chain checked link by link."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.canonical import canonical_hash
from app.domain.plain import from_plain
from app.domain.visit import Amendment, Visit
from sync.server.records.models import AmendmentRecord, Record


@dataclass
class AmendmentView:
    row: AmendmentRecord
    amendment: Amendment | None
    hash_ok: bool
    links: bool                   # prev_hash is the hash before it


@dataclass
class RecordView:
    record: Record
    document: dict | None          # None: the stored text is not JSON any more
    visit: Visit | None
    recomputed: str
    verified: bool
    amendments: list[AmendmentView] = field(default_factory=list)

    @property
    def chain_ok(self) -> bool:
        return self.verified and all(a.hash_ok and a.links for a in self.amendments)


def _parse(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def to_visit(document: dict, record_hash: str = "") -> Visit | None:
    try:
        visit = from_plain(Visit, document)
    except (KeyError, TypeError, ValueError):
        return None
    visit.record_hash = record_hash
    return visit


def view(*, session: Session, record: Record) -> RecordView:
    doc = _parse(record.document)
    recomputed = canonical_hash(doc) if doc is not None else ""
    verified = doc is not None and recomputed == record.record_hash
    visit = to_visit(doc, record.record_hash) if doc is not None else None
    out = RecordView(record=record, document=doc, visit=visit, recomputed=recomputed, verified=verified)
    prev = record.record_hash
    for row in session.scalars(select(AmendmentRecord).where(AmendmentRecord.record_id == record.id)
                               .order_by(AmendmentRecord.id)):
        adoc = _parse(row.document)
        amendment = None
        if adoc is not None:
            try:
                amendment = from_plain(Amendment, adoc)
                amendment.hash = row.hash
            except (KeyError, TypeError, ValueError):
                amendment = None
        out.amendments.append(AmendmentView(row=row, amendment=amendment,
                                            hash_ok=adoc is not None and canonical_hash(adoc) == row.hash,
                                            links=row.prev_hash == prev))
        prev = row.hash
    if visit is not None:
        visit.amendments = [a.amendment for a in out.amendments if a.amendment is not None]
    return out
