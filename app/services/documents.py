"""Documents of a visit as PDF bytes (slow: runs off the GUI thread).

Assembles forms.DocumentContext from the store: the visit, its agency, plan
item and task, the signature images from the evidence store, and seal
payloads signed with this device's key from the OS keyring."""
from __future__ import annotations

import json
from functools import lru_cache

from app.domain.seal_payload import encode, payload_for_seal
from app.domain.visit import Visit
from app.services import reference
from app.services.visits import load
from app.services.workspace import Workspace
from app.store import master_repo
from forms import documents as registry
from forms import seal_labels
from forms.context import Authority, DocumentContext


@lru_cache(maxsize=1)
def authority() -> Authority:
    """The provincial bureau's details printed on the notice and feedback
    form: data in resources/authority.json, not code."""
    from app.store.reference_data import resources_dir
    path = resources_dir() / "authority.json"
    if not path.exists():
        return Authority()
    return Authority(**json.loads(path.read_text(encoding="utf-8")))


def seal_payloads(visit: Visit) -> dict[str, str]:
    from app.services.device_key import DeviceKey
    if not visit.seals:
        return {}
    key = DeviceKey.load_or_create()
    vouched = visit.sealing_hash or visit.record_hash
    return {s.seal_no: encode(payload_for_seal(visit, s, vouched), key) for s in visit.seals}


def context(ws: Workspace, visit_id: str, *, sign_seals: bool = True) -> DocumentContext:
    visit = load(ws, visit_id)
    with ws.db.session() as s:
        agency = master_repo.load_agency(s, visit.agency_id)
        plan = master_repo.load_plan(s, visit.plan_id) if visit.plan_id else None
        item = master_repo.plan_item(s, visit.sample.plan_item_id) if visit.sample.plan_item_id else None
        task = master_repo.load_task(s, visit.task_id) if visit.task_id else None
    shas = {sig.image_sha256 for sig in visit.signatures}
    if visit.sign_refusal and visit.sign_refusal.witness_signature_sha256:
        shas.add(visit.sign_refusal.witness_signature_sha256)
    shas |= {a.party_signature_sha256 for a in visit.amendments if a.party_signature_sha256}
    images = {sha: ws.evidence.read(sha) for sha in shas if sha and ws.evidence.exists(sha)}
    from app.domain.entities import Agency
    return DocumentContext(visit=visit, agency=agency or Agency(id="", name=""), authority=authority(),
                           plan=plan, plan_item=item, task=task, signature_images=images,
                           seal_payloads=seal_payloads(visit) if sign_seals else {})


def available(visit: Visit) -> list[tuple[str, str]]:
    """(name, Chinese title) of the documents that make sense for this visit now."""
    names = ["inspection_notice", "sampling_form", "feedback_form"]
    if visit.payment.paid:
        names.insert(2, "payment_slip")
    if visit.seals:
        names.insert(-1, "seal_labels")
    if visit.backup_storage.on_site:
        names.insert(-1, "storage_notice")
    if visit.refusal is not None:
        names.append("refusal_form")
    if visit.problem is not None:
        names.append("problem_report")
    return [(n, registry.DOCUMENTS[n][0]) for n in names]


def build(ws: Workspace, visit_id: str, name: str, *, label_size: str = "100x70") -> bytes:
    """One document as PDF bytes; seal labels at the configured label size."""
    ctx = context(ws, visit_id, sign_seals=(name == "seal_labels"))
    if name == "seal_labels":
        return seal_labels.build(ctx, seal_labels.SIZES[label_size])
    return registry.build(name, ctx)


def build_set(ws: Workspace, visit_id: str, *, label_size: str = "100x70") -> dict[str, bytes]:
    visit = load(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=bool(visit.seals))
    out = {}
    for name, _title in available(visit):
        out[name] = (seal_labels.build(ctx, seal_labels.SIZES[label_size]) if name == "seal_labels"
                     else registry.build(name, ctx))
    return out


def blank(name: str) -> bytes:
    return registry.build(name, DocumentContext.blank_form(authority=authority()))


__all__ = ["available", "blank", "build", "build_set", "context", "reference"]
