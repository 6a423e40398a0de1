"""The documents of a visit: which ones it needs, and each as PDF bytes
(slow: runs off the GUI thread; the UI previews, prints and exports them).

Assembles forms.DocumentContext from the store: the visit, its agency, plan
item and task, the signature images from the evidence store, and seal
payloads signed with this device's key from the OS keyring."""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from functools import lru_cache

from app.domain.entities import Agency
from app.domain.seal_payload import encode, payload_for_seal
from app.domain.visit import Visit, VisitStatus
from app.services.visits import load
from app.services.workspace import Workspace
from app.store import master_repo
from forms import documents as registry
from forms import seal_labels
from forms.context import Authority, DocumentContext

class DocumentKind(str, enum.Enum):
    INSPECTION_NOTICE = "inspection_notice"    # 监督抽查通知书
    SAMPLING_FORM = "sampling_form"            # 抽样单
    FEEDBACK_FORM = "feedback_form"            # 工作质量及工作纪律反馈单
    PAYMENT_SLIP = "payment_slip"              # 样品付费单
    SEAL_LABELS = "seal_labels"                # 封条
    STORAGE_NOTICE = "storage_notice"          # 封存和处置告知单
    REFUSAL_FORM = "refusal_form"              # 拒检认定表
    PROBLEM_REPORT = "problem_report"          # 问题报送单


# Printed copies of each document left behind: one for the party, one for
# the agency's file where the agency keeps one (the payment slip's two
# parts share one sheet). Seal labels are not here: they go on the
# packages, printed at the seal step on the label printer.
COPIES = {DocumentKind.INSPECTION_NOTICE: 1, DocumentKind.SAMPLING_FORM: 2, DocumentKind.FEEDBACK_FORM: 1,
          DocumentKind.PAYMENT_SLIP: 1, DocumentKind.STORAGE_NOTICE: 2}


@dataclass(frozen=True)
class DocumentNeed:
    kind: DocumentKind
    ready: bool          # everything it prints is recorded (else it prints with blanks)


def documents_to_leave(visit: Visit) -> list[DocumentNeed]:
    """The documents of the documents step, in the order they are handed over:
    always the notice, the sampling form and the feedback form; the payment
    slip, seal labels and storage notice when the visit has them."""
    paid = visit.payment.paid
    out = [DocumentNeed(DocumentKind.INSPECTION_NOTICE, True),
           DocumentNeed(DocumentKind.SAMPLING_FORM, bool(visit.seals)),
           DocumentNeed(DocumentKind.FEEDBACK_FORM, True)]
    if paid:
        out.append(DocumentNeed(DocumentKind.PAYMENT_SLIP, True))
    if visit.seals:
        out.append(DocumentNeed(DocumentKind.SEAL_LABELS, True))
    if visit.backup_storage.on_site:
        out.append(DocumentNeed(DocumentKind.STORAGE_NOTICE, bool(visit.seals)))
    if visit.refusal is not None or visit.status == VisitStatus.REFUSED:
        out.append(DocumentNeed(DocumentKind.REFUSAL_FORM, visit.status == VisitStatus.REFUSED))
    if visit.problem is not None or visit.status == VisitStatus.PROBLEM_REPORTED:
        out.append(DocumentNeed(DocumentKind.PROBLEM_REPORT, visit.status == VisitStatus.PROBLEM_REPORTED))
    return out


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
    return DocumentContext(visit=visit, agency=agency or Agency(id="", name=""), authority=authority(),
                           plan=plan, plan_item=item, task=task, signature_images=images,
                           seal_payloads=seal_payloads(visit) if sign_seals else {})


def build_pdf(ws: Workspace, visit_id: str, kind: DocumentKind | str, *, label_size: str = "100x70") -> bytes:
    """One document as PDF bytes; seal labels at the configured label size."""
    name = DocumentKind(kind).value
    ctx = context(ws, visit_id, sign_seals=(name in ("seal_labels", "sampling_form")))
    if name == "seal_labels":
        return seal_labels.build(ctx, seal_labels.SIZES[label_size])
    return registry.build(name, ctx)


def build_set(ws: Workspace, visit_id: str, *, label_size: str = "100x70") -> dict[str, bytes]:
    """Every document the visit needs, from one context."""
    visit = load(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=bool(visit.seals))
    out = {}
    for need in documents_to_leave(visit):
        name = need.kind.value
        out[name] = (seal_labels.build(ctx, seal_labels.SIZES[label_size]) if name == "seal_labels"
                     else registry.build(name, ctx))
    return out


def build_print_set(ws: Workspace, visit_id: str) -> list[tuple[DocumentKind, int, bytes]]:
    """打印全部: each document the visit leaves with the party, its number of
    copies and its PDF (built from one context; no seal labels)."""
    visit = load(ws, visit_id)
    ctx = context(ws, visit_id, sign_seals=False)
    out = []
    for need in documents_to_leave(visit):
        copies = COPIES.get(need.kind, 0)
        if copies:
            out.append((need.kind, copies, registry.build(need.kind.value, ctx)))
    return out


def blank(kind: DocumentKind | str) -> bytes:
    """Empty forms for the paper fallback when a laptop fails."""
    return registry.build(DocumentKind(kind).value, DocumentContext.blank_form(authority=authority()))
