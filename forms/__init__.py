"""Official documents as PDF (reportlab, Qt-free).

Each module builds one document: build(ctx: DocumentContext) -> bytes.
    inspection_notice, sampling_form, payment_slip, seal_labels (with a size:
    LABEL_100x70, LABEL_70x50 or A4_SHEET), storage_notice, refusal_form,
    problem_report, feedback_form, improvement_advice.
The registry (app.domain.documents) lists the documents, their titles and
which ones a visit leaves; forms.documents merges each one's builder onto it
(DOCUMENTS) and build(kind, ctx) prints one. forms.context.DocumentContext
holds the domain Visit and Agency plus signature images (sha256 -> PNG) and
signed seal payloads (seal_no -> QR text, from app.domain.seal_payload).
DocumentContext.blank_form() prints empty forms for the paper fallback.
"""
