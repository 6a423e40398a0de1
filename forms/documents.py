"""The registry of official documents: file names and builders, and the
set a finished visit leaves behind."""
from __future__ import annotations

from typing import Callable

from forms import (feedback_form, improvement_advice, inspection_notice, no_sample_statement, payment_slip,
                   problem_report, refusal_form, sampling_form, seal_labels, storage_notice)
from forms.context import DocumentContext

# name -> (Chinese title, builder). Names are also the PDF file stems.
DOCUMENTS: dict[str, tuple[str, Callable[[DocumentContext], bytes]]] = {
    "inspection_notice": (inspection_notice.TITLE, inspection_notice.build),
    "sampling_form": (sampling_form.TITLE, sampling_form.build),
    "payment_slip": (payment_slip.TITLE, payment_slip.build),
    "seal_labels": ("封条", seal_labels.build),
    "storage_notice": (storage_notice.TITLE, storage_notice.build),
    "refusal_form": (refusal_form.TITLE, refusal_form.build),
    "problem_report": (problem_report.TITLE, problem_report.build),
    "no_sample_statement": (no_sample_statement.TITLE, no_sample_statement.build),
    "feedback_form": (feedback_form.TITLE, feedback_form.build),
    "improvement_advice": (improvement_advice.TITLE, improvement_advice.build),
}


def visit_documents(ctx: DocumentContext) -> dict[str, bytes]:
    """What a finished visit prints: notice, sampling form, payment slip,
    seal labels, storage notice (backup left at the party) and feedback form."""
    v = ctx.visit
    out = {"inspection_notice": inspection_notice.build(ctx),
           "sampling_form": sampling_form.build(ctx),
           "payment_slip": payment_slip.build(ctx),
           "seal_labels": seal_labels.build(ctx)}
    if v.backup_storage.on_site:
        out["storage_notice"] = storage_notice.build(ctx)
    out["feedback_form"] = feedback_form.build(ctx)
    return out


def build(name: str, ctx: DocumentContext) -> bytes:
    return DOCUMENTS[name][1](ctx)
