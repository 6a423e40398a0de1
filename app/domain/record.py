"""The signed record of a visit: what is hashed, printed and synced."""
from __future__ import annotations

from app.domain.canonical import CANONICAL_VERSION, canonical_bytes, canonical_hash
from app.domain.plain import to_plain
from app.domain.visit import Amendment, Visit


# Fields added after records were first signed, with their empty value: each
# is written only when set, so a record signed before the field existed keeps
# its hash (and its seals' sealing hash). Add every new record field here.
OPTIONAL_FIELDS: dict[str | None, dict[str, object]] = {
    None: {"no_sample": None, "restart_of": "", "restart_reason": ""},
    "party": {"economic_type": "", "latitude": "", "longitude": ""},
    "sample": {"product_fields": {}},
    "payment": {"invoice_no": "", "invoice_issuer": ""},
    "refusal": {"witness_name": "", "witness_unit": ""},
}


# ... and of each evidence item (what its file says, and the checks on it).
OPTIONAL_EVIDENCE_FIELDS: dict[str, object] = {"taken_at": None, "latitude": "", "longitude": "",
                                               "distance_m": None, "flags": []}


def _evidence(e) -> dict:
    item = to_plain(e)
    for name, empty in OPTIONAL_EVIDENCE_FIELDS.items():
        if name in item and item[name] == empty:
            del item[name]
    return item


def _plain(visit: Visit) -> dict:
    doc = to_plain(visit)
    for part, fields in OPTIONAL_FIELDS.items():
        target = doc if part is None else doc.get(part)
        if isinstance(target, dict):
            for name, empty in fields.items():
                if name in target and target[name] == empty:
                    del target[name]
    # TeamMember.added_on_site: written only for a sampler actually added on site.
    for member in doc["team"]:
        if not member.get("added_on_site"):
            member.pop("added_on_site", None)
    return doc


def record_document(visit: Visit) -> dict:
    """The canonical content of the record: every sampler-owned field, the
    hashes of the live photos (removed ones are not part of it), no
    navigation state. Lists are put in a stable order."""
    doc = _plain(visit)
    doc["evidence"] = sorted((_evidence(e) for e in visit.live_evidence()),
                             key=lambda e: (e["category"], e["sha256"], e["id"]))
    doc["seals"] = sorted(doc["seals"], key=lambda s: s["seal_no"])
    doc["photo_hashes"] = sorted({e.sha256 for e in visit.live_evidence()}
                                 | {s.image_sha256 for s in visit.signatures})
    doc["canonical_version"] = CANONICAL_VERSION
    return doc


def record_bytes(visit: Visit) -> bytes:
    return canonical_bytes(record_document(visit))


def record_hash(visit: Visit) -> str:
    return canonical_hash(record_document(visit))


def amendment_document(a: Amendment) -> dict:
    doc = to_plain(a)
    doc.pop("hash", None)
    return doc


def amendment_hash(a: Amendment) -> str:
    """Chains to a.prev_hash (the record's hash or the previous amendment's)."""
    return canonical_hash(amendment_document(a))


def chain_valid(visit: Visit) -> bool:
    """The record hash still matches and every amendment chains to the one before."""
    if not visit.record_hash or visit.record_hash != record_hash(visit):
        return False
    return amendments_chained(visit)


def amendments_chained(visit: Visit) -> bool:
    """Every amendment chains to the one before it, the first to the record
    hash (which the caller has checked against the record)."""
    prev = visit.record_hash
    for a in visit.amendments:
        if a.prev_hash != prev or a.hash != amendment_hash(a):
            return False
        prev = a.hash
    return True


def sealing_document(visit: Visit) -> dict:
    """What the seals vouch for, fixed at the moment of sealing: the party,
    the sample, the payment and the seal numbers. Seal labels are printed
    before anyone signs, so the seal QR binds this hash; the final record
    contains it (visit.sealing_hash), which chains the seals to the record."""
    doc = _plain(visit)
    return {"record_no": doc["record_no"], "id": doc["id"], "party": doc["party"],
            "producer": doc["producer"], "sample": doc["sample"], "payment": doc["payment"],
            "seals": sorted(({"seal_no": s["seal_no"], "kind": s["kind"], "package_no": s["package_no"],
                              "on_site_storage": s["on_site_storage"]} for s in doc["seals"]),
                            key=lambda s: s["seal_no"]),
            "canonical_version": CANONICAL_VERSION}


def sealing_hash(visit: Visit) -> str:
    return canonical_hash(sealing_document(visit))
