"""Rules of the notice, second part: payment, seals, backup left at the
party, signatures, the frozen record and the two exits (positive and
negative, with the Chinese text the sampler reads)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import rules
from app.domain.visit import (BackupStorage, EvidenceCategory as C, EvidenceItem, ProblemReport,
                              RefusalRecord, SampleKind, Seal, Signature, SignerRole, SignRefusal,
                              VisitStatus)
from tests.domain.builders import GASOLINE_RULE, codes, complete_visit, only, sha


# --- payment: bought, backup free, no fee --------------------------------

def test_unpaid_test_sample():
    v = complete_visit()
    v.payment.paid = False
    p = only(rules.test_sample_paid(v))
    assert p.text() == "检验样品须付费购买，请填写付费单"


def test_payment_amount_must_be_quantity_times_price():
    v = complete_visit()
    v.payment.amount = Decimal("31.00")
    p = only(rules.test_sample_paid(v))
    assert p.code == "payment.amount" and p.text() == "付费金额应为数量×单价（31.40元）"


def test_payment_at_other_price_than_recorded():
    v = complete_visit()
    v.payment.unit_price, v.payment.amount = Decimal("0.50"), Decimal("2.00")
    p = only(rules.test_sample_paid(v))
    assert p.code == "payment.price_mismatch"
    assert p.text() == "付费单单价（0.50元）与抽样单记录的单价（7.85元）不一致"


def test_payment_for_other_quantity_than_test_sample():
    v = complete_visit()
    v.payment.quantity, v.payment.amount = Decimal("8"), Decimal("62.80")
    assert codes(rules.test_sample_paid(v)) == ["payment.quantity_mismatch"]


def test_backup_must_be_free():
    v = complete_visit()
    v.payment.backup_free = False
    p = only(rules.backup_sample_free(v))
    assert p.text() == "备用样品应由受检单位先行无偿提供"


@pytest.mark.parametrize("fee", [Decimal("0.01"), Decimal("50"), Decimal("-5")])
def test_no_fee_may_be_charged(fee):
    v = complete_visit()
    v.payment.fee_charged_to_party = fee
    p = only(rules.no_fee_charged(v))
    assert p.text() == "不得向受检单位收取任何费用"


# --- seals --------------------------------------------------------------

@pytest.mark.parametrize("kind,code,zh", [(SampleKind.TEST, "seal.test_missing", "检验样品尚未封样"),
                                          (SampleKind.BACKUP, "seal.backup_missing", "备用样品尚未封样")])
def test_each_kind_must_be_sealed(kind, code, zh):
    v = complete_visit()
    v.seals = [s for s in v.seals if s.kind != kind]
    p = only(rules.sealed_separately(v))
    assert (p.code, p.text()) == (code, zh)


def test_storage_seal_does_not_stand_in_for_backup_seal():
    v = complete_visit()
    v.seals = [s for s in v.seals if s.kind != SampleKind.BACKUP]
    v.seals.append(Seal("f1", "FS-001-F1", SampleKind.BACKUP, 1, on_site_storage=True))
    assert codes(rules.sealed_separately(v)) == ["seal.backup_missing"]


def test_duplicate_seal_number_across_kinds():
    v = complete_visit()
    v.seals[2].seal_no = v.seals[0].seal_no      # backup seal reuses a test seal number
    p = only(rules.sealed_separately(v, GASOLINE_RULE))
    assert p.text() == "封条编号FS-001-J1重复"


def test_package_count_per_sampling_rule():
    v = complete_visit()
    v.seals = [s for s in v.seals if not (s.kind == SampleKind.TEST and s.package_no == 2)]
    p = only(rules.sealed_separately(v, GASOLINE_RULE))
    assert p.text() == "检验样品应有2个封样包装（当前1个）"
    assert p.text("en") == "The test sample needs 2 sealed packages (now 1)"
    assert rules.sealed_separately(v) == []          # without a rule one package is enough


def test_two_labels_on_one_package_are_one_package():
    v = complete_visit()
    v.seals = [s for s in v.seals if not (s.kind == SampleKind.BACKUP and s.package_no == 2)]
    v.seals.append(Seal("b1b", "FS-001-B1b", SampleKind.BACKUP, 1))
    p = only(rules.sealed_separately(v, GASOLINE_RULE))
    assert p.text() == "备用样品应有2个封样包装（当前1个）"


# --- backup left at the party -------------------------------------------

def stored_at_party():
    v = complete_visit()
    v.backup_storage = BackupStorage(on_site=True, approval_no="晋市监批〔2022〕12号", location="站房储物间",
                                     camera_covered=True)
    v.seals.append(Seal("f1", "FS-001-F1", SampleKind.BACKUP, 1, on_site_storage=True))
    v.evidence.append(EvidenceItem("e-f", C.ON_SITE_STORAGE, sha(60)))
    return v


def test_backup_carried_needs_nothing_more():
    assert rules.backup_storage_approved(complete_visit()) == []


def test_backup_at_party_with_approval_location_seals_and_photo():
    assert rules.backup_storage_approved(stored_at_party()) == []


@pytest.mark.parametrize("attr,code,zh", [
    ("approval_no", "storage.approval", "备用样品封存于受检单位须经省局批准，请填写批准文号"),
    ("location", "storage.location", "请填写封存地点"),
])
def test_backup_at_party_needs(attr, code, zh):
    v = stored_at_party()
    setattr(v.backup_storage, attr, "  ")
    p = only(rules.backup_storage_approved(v))
    assert (p.code, p.text()) == (code, zh)


def test_backup_at_party_needs_storage_seals():
    v = stored_at_party()
    v.seals = [s for s in v.seals if not s.on_site_storage]
    assert only(rules.backup_storage_approved(v)).text() == "封存的备用样品须在开口处加施封存标识"


def test_backup_at_party_needs_photo_of_stored_state():
    v = stored_at_party()
    v.evidence = [e for e in v.evidence if e.category != C.ON_SITE_STORAGE]
    assert only(rules.backup_storage_approved(v)).text() == "缺少封存状态照片（或填写未拍摄的理由）"


# --- signatures ---------------------------------------------------------

def test_two_distinct_samplers_must_sign():
    v = complete_visit()
    v.signatures[1] = Signature("sig-2b", SignerRole.SAMPLER, "张伟", sha(110), "s-zhang")
    p = only(rules.signatures_complete(v))
    assert p.text() == "需要至少2名抽样人员签字（当前1名）"


def test_witness_signature_is_not_a_sampler_signature():
    v = complete_visit()
    v.signatures[1] = Signature("sig-w", SignerRole.WITNESS, "孙见证", sha(111), "140105199001010022")
    assert codes(rules.signatures_complete(v)) == ["sign.samplers"]


def test_signature_of_someone_not_on_the_team_does_not_count():
    v = complete_visit()
    v.signatures[1] = Signature("sig-x", SignerRole.SAMPLER, "王五", sha(112), "s-wang")
    assert codes(rules.signatures_complete(v)) == ["sign.samplers"]
    v = complete_visit()
    v.team[1].present = False            # signed, but not actually on site
    assert codes(rules.signatures_complete(v)) == ["sign.samplers"]


def test_signature_without_image_does_not_count():
    v = complete_visit()
    v.signatures[2] = Signature("sig-3", SignerRole.PARTY, "钱经理", "", "x")
    assert codes(rules.signatures_complete(v)) == ["sign.party"]


def test_blank_seal_number_is_refused():
    v = complete_visit()
    v.seals[0].seal_no = "  "
    assert "seal.blank_no" in codes(rules.sealed_separately(v))


def test_party_must_sign_or_refusal_written():
    v = complete_visit()
    v.signatures = [s for s in v.signatures if s.role != SignerRole.PARTY]
    assert only(rules.signatures_complete(v)).text() == "需要受检单位签字，或注明拒签情况"
    v.sign_refusal = SignRefusal(reason=" ")
    assert only(rules.signatures_complete(v)).text() == "请注明受检单位拒签情况"
    v.sign_refusal = SignRefusal(reason="负责人拒绝在抽样单上签字", witness_name="孙见证")
    assert rules.signatures_complete(v) == []


# --- frozen record and amendments -----------------------------------------

@pytest.mark.parametrize("status", [VisitStatus.FINISHED, VisitStatus.REFUSED, VisitStatus.PROBLEM_REPORTED,
                                    VisitStatus.ABANDONED])
def test_ended_visit_is_frozen(status):
    v = complete_visit()
    v.status = status
    p = only(rules.not_frozen(v))
    assert p.text() == "该记录已签字确认，不能直接修改；请使用更正/补充"


def test_amendment_needs_party_confirmation_and_content():
    assert rules.amendment_confirmed(sha(9), "20221114-03", "批号抄写笔误") == []
    assert codes(rules.amendment_confirmed("", "20221114-03", "笔误")) == ["amendment.unconfirmed"]
    assert codes(rules.amendment_confirmed(sha(9), "20221114-03", "  ")) == ["amendment.empty"]
    p = rules.amendment_confirmed("", "", "")
    assert [x.text() for x in p] == ["请填写更正内容和原因", "更正/补充须经受检单位签名或盖章确认"]


# --- the refusal and problem-report exits ------------------------------

def test_refusal_needs_facts_and_evidence():
    v = complete_visit()
    v.evidence = []
    assert [p.text() for p in rules.refusal_complete(v)] == ["请填写拒检事实经过",
                                                              "请附拒检证据（照片、录像或见证人）"]
    v.refusal = RefusalRecord(facts="  ", evidence_note="")
    assert codes(rules.refusal_complete(v)) == ["refusal.facts", "refusal.evidence"]
    v.refusal.facts = "店长以每升100元的价格要求购样，明显不合理"
    assert codes(rules.refusal_complete(v)) == ["refusal.evidence"]
    v.evidence.append(EvidenceItem("e-r", C.REFUSAL, sha(70), removed=True))
    assert codes(rules.refusal_complete(v)) == ["refusal.evidence"]   # removed photo does not count
    v.evidence.append(EvidenceItem("e-r2", C.REFUSAL, sha(71)))
    assert rules.refusal_complete(v) == []


def test_refusal_evidence_may_be_a_written_note():
    v = complete_visit()
    v.refusal = RefusalRecord(facts="拒绝抽样", evidence_note="见证人：孙见证，身份证号……")
    assert rules.refusal_complete(v) == []


def test_problem_report_needs_description_and_photo():
    v = complete_visit()
    assert codes(rules.problem_report_complete(v)) == ["problem.description", "problem.evidence"]
    v.problem = ProblemReport(description="现场未能出示营业执照", evidence_note="店内无执照")
    p = only(rules.problem_report_complete(v))
    assert p.text() == "请附问题证据照片"               # a note alone is not enough here
    v.evidence.append(EvidenceItem("e-p", C.PROBLEM, sha(72)))
    assert rules.problem_report_complete(v) == []
