"""The builders of the official documents, merged onto the one registry
(app.domain.documents, which the domain may keep without importing forms):
DOCUMENTS[kind].part("build")(ctx) -> PDF bytes, or build(kind, ctx)."""
from __future__ import annotations

from app.domain.documents import REGISTRY, DocumentKind, merge
from forms import (feedback_form, improvement_advice, inspection_notice, no_sample_statement, payment_slip,
                   problem_report, refusal_form, rejection_letter, sampling_form, seal_labels, storage_notice)
from forms.context import DocumentContext

# Imported by name so PyInstaller and lint-imports see every builder; a
# registry entry without its module fails here, at import.
_BUILDERS = {m.__name__: m.build for m in (feedback_form, improvement_advice, inspection_notice, no_sample_statement,
                                           payment_slip, problem_report, refusal_form, rejection_letter, sampling_form,
                                           seal_labels, storage_notice)}
DOCUMENTS = merge(REGISTRY, {kind: {"build": _BUILDERS[doc.builder]} for kind, doc in REGISTRY.items()})


def build(kind: DocumentKind | str, ctx: DocumentContext, *, label_size: str = "100x70") -> bytes:
    """One document; label-stock documents at `label_size` (seal_labels.SIZES)."""
    doc = DOCUMENTS[DocumentKind(kind)]
    if doc.paper == "label":
        return doc.part("build")(ctx, seal_labels.SIZES[label_size])
    return doc.part("build")(ctx)
