"""The documents left on site (or printed for the lab): which ones a visit
needs, and each one as PDF bytes. Qt-free; the UI previews, prints and
exports the bytes (rendering runs off the GUI thread).

`build_pdf` is the seam to the reportlab builders of the `forms` package
(forms/<document>.py, each `build(ctx) -> bytes`). Until that branch is on
main it raises NotImplementedError naming the module it will call.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.visit import Visit, VisitStatus
from app.services.workspace import Workspace


class DocumentKind(str, enum.Enum):
    INSPECTION_NOTICE = "inspection_notice"    # 监督抽查通知书
    SAMPLING_FORM = "sampling_form"            # 抽样单
    FEEDBACK_FORM = "feedback_form"            # 工作质量及工作纪律反馈单
    PAYMENT_SLIP = "payment_slip"              # 样品付费单
    SEAL_LABELS = "seal_labels"                # 封条
    STORAGE_NOTICE = "storage_notice"          # 封存和处置告知单
    REFUSAL_FORM = "refusal_form"              # 拒检认定表
    PROBLEM_REPORT = "problem_report"          # 问题报送单


# The forms module that builds each document (build(ctx) -> bytes).
FORMS_MODULE = {
    DocumentKind.INSPECTION_NOTICE: "forms.inspection_notice",
    DocumentKind.SAMPLING_FORM: "forms.sampling_form",
    DocumentKind.FEEDBACK_FORM: "forms.feedback_form",
    DocumentKind.PAYMENT_SLIP: "forms.payment_slip",
    DocumentKind.SEAL_LABELS: "forms.seal_label",
    DocumentKind.STORAGE_NOTICE: "forms.storage_notice",
    DocumentKind.REFUSAL_FORM: "forms.refusal_form",
    DocumentKind.PROBLEM_REPORT: "forms.problem_report",
}


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


def build_pdf(ws: Workspace, visit_id: str, kind: DocumentKind) -> bytes:
    """The document as PDF bytes (slow: call it off the GUI thread).

    TODO(forms): load the visit, assemble forms.context.DocumentContext
    (visit, task, agency, plan item, signature PNGs from ws.evidence, signed
    seal payloads) and return FORMS_MODULE[kind].build(ctx). The forms branch
    is not on main yet.
    """
    raise NotImplementedError(
        f"PDF of {kind.value} not available yet: waits for {FORMS_MODULE[kind]}.build (forms branch)")
