"""Each rule of the notice (晋市监函〔2022〕279号), positive and negative: the
complete visit passes, breaking one thing yields exactly that Problem, and its
text says in plain Chinese what the sampler must do."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import labels, rules
from app.domain.plan import Scope
from app.domain.visit import EvidenceCategory as C, EvidenceItem, PriceBasis, TeamMember
from tests.domain.builders import (CHLOR, DOWN, GASOLINE, GASOLINE_RULE, UREA, codes, complete_visit,
                                   only, sha)


ALL_RULES_ON_COMPLETE = [
    rules.at_least_two_samplers, rules.documents_shown, rules.party_complete, rules.required_evidence,
    rules.test_sample_price, rules.test_sample_paid, rules.backup_sample_free, rules.no_fee_charged,
    rules.backup_storage_approved, rules.signatures_complete, rules.not_frozen,
    lambda v: rules.sample_complete(v, GASOLINE_RULE), lambda v: rules.sealed_separately(v, GASOLINE_RULE),
]


@pytest.mark.parametrize("rule", ALL_RULES_ON_COMPLETE)
def test_complete_visit_satisfies_every_rule(rule):
    assert rule(complete_visit()) == []


# --- team ---------------------------------------------------------------

def test_one_sampler_is_too_few():
    v = complete_visit()
    v.team = v.team[:1]
    p = only(rules.at_least_two_samplers(v))
    assert p.code == "team.too_few"
    assert p.text() == "抽样人员不得少于2人（当前1人在场）"
    assert p.text("en") == "At least two samplers must be present (now 1)"


def test_absent_member_does_not_count():
    v = complete_visit()
    v.team.append(TeamMember("s-wang", "王强", "晋抽证2022-0050", present=False))
    v.team[1].present = False
    assert only(rules.at_least_two_samplers(v)).text() == "抽样人员不得少于2人（当前1人在场）"


def test_no_team_at_all():
    v = complete_visit()
    v.team = []
    assert only(rules.at_least_two_samplers(v)).params["count"] == 0


def test_same_person_listed_twice_is_one_sampler():
    v = complete_visit()
    v.team = [v.team[0], TeamMember("s-zhang-copy", "张伟", v.team[0].certificate_no)]
    assert codes(rules.at_least_two_samplers(v)) == ["team.too_few"]


@pytest.mark.parametrize("cert", ["", "   "])
def test_missing_certificate_number_is_named(cert):
    v = complete_visit()
    v.team[1].certificate_no = cert
    problems = rules.at_least_two_samplers(v)
    assert "team.missing_certificate" in codes(problems)
    assert "抽样人员李娜缺少身份证明/证件编号" in [p.text() for p in problems]


def test_absent_member_without_certificate_is_not_blamed():
    v = complete_visit()
    v.team.append(TeamMember("s-wang", "王强", "", present=False))
    assert rules.at_least_two_samplers(v) == []


def test_three_present_samplers_pass():
    v = complete_visit()
    v.team.append(TeamMember("s-wang", "王强", "晋抽证2022-0050"))
    assert rules.at_least_two_samplers(v) == []


# --- documents shown ----------------------------------------------------

@pytest.mark.parametrize("attr,code,zh", [
    ("inspection_notice", "shown.notice", "尚未出示监督抽查通知书"),
    ("sampler_ids", "shown.sampler_ids", "尚未出示抽样人员身份证明"),
    ("authorization_letter", "shown.authorization", "尚未出示授权委托书复印件"),
])
def test_each_document_must_be_shown(attr, code, zh):
    v = complete_visit()
    setattr(v.shown, attr, False)
    p = only(rules.documents_shown(v))
    assert (p.code, p.text(), p.field) == (code, zh, f"shown.{attr}")


def test_nothing_shown_lists_all_three():
    v = complete_visit()
    v.shown.inspection_notice = v.shown.sampler_ids = v.shown.authorization_letter = False
    assert codes(rules.documents_shown(v)) == ["shown.notice", "shown.sampler_ids", "shown.authorization"]


# --- party --------------------------------------------------------------

def test_party_blank_fields_each_named():
    v = complete_visit()
    v.party.name = " "
    v.party.address = ""
    v.party.contact = v.party.phone = ""
    v.party.credit_code = ""
    assert codes(rules.party_complete(v)) == ["party.name", "credit_code.length", "party.address",
                                              "party.contact"]


def test_party_without_licence_points_to_the_problem_report():
    v = complete_visit()
    v.party.licence_no = ""
    p = only(rules.party_complete(v))
    assert p.code == "party.licence" and "问题报送单" in p.text()


def test_party_contact_or_phone_is_enough():
    v = complete_visit()
    v.party.contact = ""
    assert rules.party_complete(v) == []
    v.party.contact, v.party.phone = "钱经理", ""
    assert rules.party_complete(v) == []


def test_party_wrong_credit_code_check_char():
    v = complete_visit()
    good = v.party.credit_code
    v.party.credit_code = good[:17] + ("0" if good[17] != "0" else "1")
    p = only(rules.party_complete(v))
    assert p.code == "credit_code.check" and p.field == "party.credit_code"
    assert p.text() == "统一社会信用代码校验位错误，请核对"


# --- plan: scope, quota, batch limits -----------------------------------

@pytest.mark.parametrize("scope", [Scope.PRODUCER, Scope.SELLER])
def test_gasoline_only_at_gas_stations(scope):
    p = only(rules.scope_allowed(GASOLINE, scope))
    assert p.code == "plan.scope"
    assert p.text() == f"车用汽油的抽查范围为加油站，不包括{labels.SCOPE[scope]}"
    assert p.text("en") == f"车用汽油 may be sampled only at gas station, not at a {scope.value}"


def test_gasoline_at_gas_station_allowed():
    assert rules.scope_allowed(GASOLINE, Scope.GAS_STATION) == []


def test_urea_at_producer_and_gas_station_not_seller():
    assert rules.scope_allowed(UREA, Scope.PRODUCER) == []
    assert rules.scope_allowed(UREA, Scope.GAS_STATION) == []
    p = only(rules.scope_allowed(UREA, Scope.SELLER))
    assert p.text() == "车用尿素水溶液的抽查范围为生产者、加油站，不包括销售者"
    assert p.text("en") == "车用尿素水溶液 may be sampled only at producer, gas station, not at a seller"


def test_seller_only_and_producer_only_products():
    assert rules.scope_allowed(DOWN, Scope.SELLER) == []
    assert codes(rules.scope_allowed(DOWN, Scope.PRODUCER)) == ["plan.scope"]
    assert rules.scope_allowed(CHLOR, Scope.PRODUCER) == []
    assert codes(rules.scope_allowed(CHLOR, Scope.GAS_STATION)) == ["plan.scope"]


def test_quota_last_batch_allowed_then_full():
    assert rules.plan_quota(GASOLINE, 0) == []
    assert rules.plan_quota(GASOLINE, 99) == []
    p = only(rules.plan_quota(GASOLINE, 100))
    assert p.text() == "车用汽油的计划批次（100批）已抽满"
    assert codes(rules.plan_quota(CHLOR, 7)) == ["plan.quota"]


def test_first_batch_at_party_allowed():
    assert rules.batch_limits("车用汽油", []) == []


def test_second_different_product_at_party_allowed():
    assert rules.batch_limits("车用汽油", ["车用柴油"]) == []


def test_same_product_twice_at_party_refused():
    p = only(rules.batch_limits("车用汽油", ["车用汽油"]))
    assert p.code == "batch.same_product"
    assert p.text() == "同一产品在同一企业原则上只抽查1个批次（车用汽油已抽）"


def test_third_batch_at_party_refused():
    p = only(rules.batch_limits("车用尿素水溶液", ["车用汽油", "车用柴油"]))
    assert p.code == "batch.per_party"
    assert p.text() == "同一企业抽取的样品不得多于2个批次（已抽2批）"


def test_third_batch_of_same_product_gives_both_reasons():
    assert codes(rules.batch_limits("车用汽油", ["车用汽油", "车用柴油"])) == ["batch.same_product",
                                                                             "batch.per_party"]


# --- evidence -----------------------------------------------------------

REQUIRED = [(C.SITE, "抽样场所"), (C.STORAGE, "贮存环境"), (C.LABEL, "产品标识"), (C.STOCK, "库存数量"),
            (C.SAMPLING, "抽样过程"), (C.SEALED, "封样状态")]


@pytest.mark.parametrize("cat,zh", REQUIRED)
def test_each_required_category_needs_a_photo(cat, zh):
    v = complete_visit()
    v.evidence = [e for e in v.evidence if e.category != cat]
    p = only(rules.required_evidence(v))
    assert (p.code, p.field) == ("evidence.missing", f"evidence.{cat.value}")
    assert p.text() == f"缺少{zh}照片（或填写未拍摄的理由）"
    assert zh not in p.text("en") and "photo" in p.text("en")


@pytest.mark.parametrize("cat,zh", REQUIRED)
def test_written_reason_waives_a_category(cat, zh):
    v = complete_visit()
    v.evidence = [e for e in v.evidence if e.category != cat]
    v.evidence_waivers[cat.value] = "加油站无独立仓库"
    assert rules.required_evidence(v) == []


@pytest.mark.parametrize("reason", ["", "   ", "\n\t", "\u3000\u3000"])
def test_blank_reason_does_not_waive(reason):
    v = complete_visit()
    v.evidence = [e for e in v.evidence if e.category != C.STORAGE]
    v.evidence_waivers["storage"] = reason
    assert codes(rules.required_evidence(v)) == ["evidence.missing"]


def test_removed_photo_does_not_count():
    v = complete_visit()
    for e in v.evidence:
        if e.category == C.LABEL:
            e.removed = True
    assert only(rules.required_evidence(v)).field == "evidence.label"


def test_photo_of_another_category_does_not_count():
    v = complete_visit()
    v.evidence = [e for e in v.evidence if e.category != C.STOCK]
    v.evidence.append(EvidenceItem("e-x", C.OTHER, sha(77)))
    assert only(rules.required_evidence(v)).field == "evidence.stock"


def test_required_evidence_lists_every_missing_category():
    v = complete_visit()
    v.evidence = []
    assert [p.field for p in rules.required_evidence(v)] == [f"evidence.{c.value}" for c, _ in REQUIRED]


# --- sample, quantities, price ------------------------------------------

def test_test_quantity_below_sampling_rule():
    v = complete_visit()
    v.sample.test_quantity = Decimal("3.9")
    p = only(rules.sample_complete(v, GASOLINE_RULE))
    assert p.text() == "检验样品数量应不少于4L"


def test_backup_quantity_missing():
    v = complete_visit()
    v.sample.backup_quantity = None
    assert only(rules.sample_complete(v, GASOLINE_RULE)).text() == "备用样品数量应不少于4L"


def test_sampling_more_than_stock():
    v = complete_visit()
    v.sample.base_quantity = Decimal("7")
    assert codes(rules.sample_complete(v, GASOLINE_RULE)) == ["sample.exceeds_stock"]


def test_sample_identity_fields():
    v = complete_visit()
    v.sample.product = ""
    v.sample.batch_no = ""
    v.sample.base_quantity = None
    assert codes(rules.sample_complete(v)) == ["sample.product", "sample.batch", "sample.base_quantity"]
    v.sample.base_quantity = Decimal("0")          # no stock: nothing can be sampled
    assert codes(rules.sample_complete(v)) == ["sample.product", "sample.batch", "sample.base_quantity",
                                               "sample.exceeds_stock"]
    v = complete_visit()
    v.sample.batch_no, v.sample.production_date = "", "2022-11-01"
    assert rules.sample_complete(v) == []


def test_marked_price_passes():
    v = complete_visit()
    assert v.sample.price_basis == PriceBasis.MARKED and v.sample.price_basis_note == ""
    assert rules.test_sample_price(v) == []


def test_market_price_needs_its_basis_written():
    v = complete_visit()
    v.sample.price_basis = PriceBasis.MARKET
    for note in ("", "  "):
        v.sample.price_basis_note = note
        p = only(rules.test_sample_price(v))
        assert p.code == "price.market_note"
        assert p.text() == "无标价时须注明同类产品市场价格的来源"
    v.sample.price_basis_note = "参照附近两家加油站92#挂牌价"
    assert rules.test_sample_price(v) == []


def test_price_missing_zero_and_no_basis():
    v = complete_visit()
    v.sample.unit_price = None
    v.sample.price_basis = None
    assert codes(rules.test_sample_price(v)) == ["price.missing", "price.basis"]
    v.sample.unit_price = Decimal("0")
    assert codes(rules.test_sample_price(v))[0] == "price.not_positive"
    assert rules.test_sample_price(v)[1].text() == "请选择价格依据（标价或同类产品市场价）"


def test_sample_complete_includes_price_rule():
    v = complete_visit()
    v.sample.price_basis = PriceBasis.MARKET
    assert codes(rules.sample_complete(v, GASOLINE_RULE)) == ["price.market_note"]
