"""The documents of a visit as PDF bytes (slow: runs off the GUI thread; the
UI previews, prints and exports them). Which documents exist and which ones
a visit leaves is the registry's (app.domain.documents).

Assembles forms.DocumentContext from the store: the visit, its agency, plan
item and task, the signature images from the evidence store, and seal
payloads signed with this device's key from the OS keyring."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from app.domain.documents import REGISTRY, DocumentKind, DocumentNeed, documents_to_leave  # noqa: F401 (the UI's)
from app.domain.entities import Agency
from app.domain.seal_payload import encode, payload_for_seal
from app.domain.visit import Visit
from app.services import integrity
from app.services.visits import load
from app.services.workspace import Workspace
from app.store import master_repo
from forms import documents as forms_documents
from forms.context import Authority, DocumentContext, PlanNotice


@lru_cache(maxsize=1)
def authority() -> Authority:
    """The provincial bureau's details printed on the notice and feedback
    form: data in resources/authority.json, not code."""
    from app.domain.reference_data import resources_dir
    path = resources_dir() / "authority.json"
    if not path.exists():
        return Authority()
    return Authority(**json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def plan_notice() -> PlanNotice | None:
    """How the documents cite the plan's notice (title, number, 抽查依据):
    data in resources/plan_*.json."""
    from app.domain.reference_data import ReferenceDataError, load_plan_notice
    try:
        return PlanNotice(**load_plan_notice())
    except ReferenceDataError:
        return None


def seal_payloads(visit: Visit) -> dict[str, str]:
    from app.services.device_key import DeviceKey
    if not visit.seals:
        return {}
    key = DeviceKey.load_or_create()
    vouched = visit.sealing_hash or visit.record_hash
    return {s.seal_no: encode(payload_for_seal(visit, s, vouched), key) for s in visit.seals}


def context(ws: Workspace, visit_id: str, *, sign_seals: bool = True) -> DocumentContext:
    visit = load(ws, visit_id)
    with ws.db.read() as s:
        agency = master_repo.load_agency(s, visit.agency_id)
        plan = master_repo.load_plan(s, visit.plan_id) if visit.plan_id else None
        item = master_repo.plan_item(s, visit.sample.plan_item_id) if visit.sample.plan_item_id else None
        task = master_repo.load_task(s, visit.task_id) if visit.task_id else None
    shas = {sig.image_sha256 for sig in visit.signatures}
    if visit.sign_refusal and visit.sign_refusal.witness_signature_sha256:
        shas.add(visit.sign_refusal.witness_signature_sha256)
    shas |= {a.party_signature_sha256 for a in visit.amendments if a.party_signature_sha256}
    images = {sha: ws.evidence.read(sha) for sha in shas if sha and ws.evidence.exists(sha)}
    return DocumentContext(visit=visit, agency=agency or Agency(id="", name=""), authority=authority(),
                           plan=plan, plan_item=item, task=task, signature_images=images,
                           seal_payloads=seal_payloads(visit) if sign_seals else {},
                           plan_notice=plan_notice(), notice_valid_until=_due(task),
                           rule=ws.rule_for(visit.sample.product) if visit.sample.product else None)


def _due(task) -> date | None:
    try:
        return date.fromisoformat(task.due_date) if task is not None and task.due_date else None
    except ValueError:
        return None


def build_pdf(ws: Workspace, visit_id: str, kind: DocumentKind | str, *, label_size: str = "100x70") -> bytes:
    """One document as PDF bytes; seal labels at the configured label size."""
    kind = DocumentKind(kind)
    integrity.require_intact(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=REGISTRY[kind].seal_qr)
    return forms_documents.build(kind, ctx, label_size=label_size)


def build_set(ws: Workspace, visit_id: str, *, label_size: str = "100x70") -> dict[str, bytes]:
    """Every document the visit leaves, from one context."""
    integrity.require_intact(ws, visit_id)
    visit = load(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=bool(visit.seals))
    return {need.kind.value: forms_documents.build(need.kind, ctx, label_size=label_size)
            for need in documents_to_leave(visit)}


def print_set(visit: Visit) -> list[tuple[DocumentKind, int]]:
    """打印全部: the sheets the visit leaves with the party, in handing-over
    order, each with its copies (the registry's). Label stock is not among
    them: seal labels went on the packages at the seal step."""
    return [(need.kind, REGISTRY[need.kind].copies) for need in documents_to_leave(visit)
            if REGISTRY[need.kind].paper == "A4" and REGISTRY[need.kind].copies]


def build_print_set(ws: Workspace, visit_id: str) -> list[tuple[DocumentKind, int, bytes]]:
    """Each document of print_set() with its copies and its PDF (one context)."""
    integrity.require_intact(ws, visit_id)
    visit = load(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=False)
    return [(kind, copies, forms_documents.build(kind, ctx)) for kind, copies in print_set(visit)]


def blank(kind: DocumentKind | str) -> bytes:
    """Empty forms for the paper fallback when a laptop fails."""
    ctx = DocumentContext.blank_form(authority=authority())
    ctx.plan_notice = plan_notice()
    return forms_documents.build(kind, ctx)


def check_label_pdf(size: str, printer: str) -> bytes:
    """A seal-size test label (first run, settings): is the text whole and the QR sharp."""
    from forms import check_label
    return check_label.build(size, printer)
