"""The document registry decides, once, which documents a visit leaves: by
how it ends (completed, refused, problem reported) and by what it recorded;
other layers attach their parts to the same entries (merge)."""
from __future__ import annotations

import pytest

from app.domain import documents as registry
from app.domain.documents import REGISTRY, DocumentKind as K, documents_to_leave, merge
from app.domain.i18n import tr
from app.domain.visit import ProblemReport, RefusalRecord, VisitStatus
from app.domain.workflow import Step
from tests.domain.builders import complete_visit


def kinds(visit) -> list[K]:
    return [n.kind for n in documents_to_leave(visit)]


def test_a_completed_visit_leaves_the_notice_form_feedback_and_what_it_recorded():
    v = complete_visit()
    v.status = VisitStatus.FINISHED
    v.backup_storage.on_site = False
    assert kinds(v) == [K.INSPECTION_NOTICE, K.SAMPLING_FORM, K.FEEDBACK_FORM, K.PAYMENT_SLIP, K.SEAL_LABELS]
    v.backup_storage.on_site = True
    assert K.STORAGE_NOTICE in kinds(v)
    v.payment.paid, v.seals = False, []
    assert kinds(v) == [K.INSPECTION_NOTICE, K.SAMPLING_FORM, K.FEEDBACK_FORM, K.STORAGE_NOTICE]
    assert dict((n.kind, n.ready) for n in documents_to_leave(v))[K.SAMPLING_FORM] is False  # no seals yet


def test_a_refusal_or_a_problem_report_leaves_its_own_form_not_the_sampling_form():
    v = complete_visit()
    v.status, v.refusal = VisitStatus.REFUSED, RefusalRecord(facts="报价每升100元")
    assert kinds(v) == [K.INSPECTION_NOTICE, K.REFUSAL_FORM]
    assert all(n.ready for n in documents_to_leave(v))
    v.status, v.refusal, v.problem = VisitStatus.PROBLEM_REPORTED, None, ProblemReport(description="无营业执照")
    assert kinds(v) == [K.INSPECTION_NOTICE, K.PROBLEM_REPORT]
    v.status = VisitStatus.ABANDONED
    assert kinds(v) == []


def test_a_visit_under_way_leaves_what_the_path_it_is_on_ends_with():
    v = complete_visit()
    assert v.status == VisitStatus.IN_PROGRESS
    v.step = Step.REFUSAL.value
    assert kinds(v) == [K.INSPECTION_NOTICE, K.REFUSAL_FORM]
    assert [n.ready for n in documents_to_leave(v)] == [True, False]   # not determined yet
    v.step = Step.DOCUMENTS.value
    assert K.REFUSAL_FORM not in kinds(v) and K.SAMPLING_FORM in kinds(v)


def test_every_entry_has_titles_in_both_languages_paper_and_copies():
    for kind, doc in REGISTRY.items():
        assert doc.kind == kind and doc.builder == f"forms.{kind.value}"
        for text in (doc.title, doc.name):
            assert tr(text, "zh_CN") == text and tr(text, "en") != text
        assert doc.paper in ("A4", "label") and doc.copies >= 1
    assert REGISTRY[K.STORAGE_NOTICE].copies == 2       # 一式两份, printed on it
    assert REGISTRY[K.SEAL_LABELS].paper == "label"
    assert not REGISTRY[K.IMPROVEMENT_ADVICE].leaves     # the lab's, never a visit's


def test_merge_attaches_a_layer_part_and_refuses_a_document_of_its_own():
    merged = merge(REGISTRY, {K.SAMPLING_FORM: {"build": len}})
    assert merged[K.SAMPLING_FORM].part("build") is len
    assert merged[K.SAMPLING_FORM].title == REGISTRY[K.SAMPLING_FORM].title
    with pytest.raises(KeyError, match="merge"):
        merged[K.FEEDBACK_FORM].part("build")
    with pytest.raises(ValueError, match="not in the document registry"):
        merge({K.SAMPLING_FORM: REGISTRY[K.SAMPLING_FORM]}, {K.FEEDBACK_FORM: {"build": len}})
    assert not REGISTRY[K.SAMPLING_FORM].parts                 # the registry itself is untouched
    assert registry.outcome(complete_visit()) == VisitStatus.FINISHED
