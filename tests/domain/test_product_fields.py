"""Product-specific fields are data in the sampling rules: each product asks
for its own (牌号 of a fuel, 含绒量 of a down garment), values are checked
against that product, and a diesel sample can never carry a petrol grade."""
from __future__ import annotations

import pytest

from app.domain import product_fields, rules
from app.domain.messages import RuleViolation
from app.domain.plan import FieldType
from app.domain.record import record_document, record_hash
from app.domain.visit import EvidenceCategory as C
from app.domain.reference_data import load_sampling_rules
from tests.domain.builders import complete_visit

RULES = load_sampling_rules()
PETROL, DIESEL, DOWN = RULES["车用汽油"], RULES["车用柴油"], RULES["羽绒服装"]
SPECTACLES, BATTERY = RULES["眼镜（配装眼镜）"], RULES["电池（储能电池、原电池）"]
PETROL_VALUES = {"fuel_grade": "92#", "emission_stage": "国VI(A)", "tank_no": "2号罐", "pump_no": "3号加油机",
                 "detergent_added": "是", "tank_stock": "18000", "last_delivery_date": "2022-11-10",
                 "supplier": "中国石化销售股份有限公司山西太原石油分公司"}


def petrol_visit():
    v = complete_visit()
    v.sample.product_fields = dict(PETROL_VALUES)
    return v


def test_petrol_and_diesel_offer_only_their_own_grades():
    petrol = PETROL.product_field("fuel_grade")
    diesel = DIESEL.product_field("fuel_grade")
    assert petrol.type == diesel.type == FieldType.CHOICE
    assert petrol.choices == ("89#", "92#", "95#", "98#")
    assert diesel.choices == ("0#", "-10#", "-20#", "-35#")
    assert PETROL.product_field("emission_stage").choices == ("国VI(A)", "国VI(B)")
    assert DIESEL.product_field("emission_stage").choices == ("国VI",)


@pytest.mark.parametrize("grade", ["89#", "92#", "95#", "98#"])
def test_diesel_sample_cannot_carry_a_petrol_grade(grade):
    with pytest.raises(RuleViolation) as e:
        product_fields.parse_values(DIESEL, {"fuel_grade": grade})
    (p,) = e.value.problems
    assert p.code == "product_field.choice" and p.field == "sample.product_fields.fuel_grade"
    assert p.text() == f"牌号只能选择：0#、-10#、-20#、-35#（“{grade}”不适用于车用柴油）"
    assert p.text("en") == f"grade must be one of: 0#, -10#, -20#, -35# (“{grade}” does not apply to 车用柴油)"
    # the same value already in a visit (a file edited by hand, a rule changed) fails the step check
    v = complete_visit()
    v.sample.product = "车用柴油"
    v.sample.product_fields = dict(PETROL_VALUES, fuel_grade=grade, emission_stage="国VI")
    assert [p.code for p in product_fields.product_fields_complete(v, DIESEL)] == ["product_field.choice"]
    assert "product_field.choice" in {p.code for p in rules.sample_complete(v, DIESEL)}


def test_petrol_sample_cannot_carry_a_diesel_grade_or_stage():
    with pytest.raises(RuleViolation) as e:
        product_fields.parse_values(PETROL, {"fuel_grade": "0#", "emission_stage": "国VI"})
    assert [p.field for p in e.value.problems] == ["sample.product_fields.fuel_grade",
                                                   "sample.product_fields.emission_stage"]


def test_required_fields_are_named_in_both_languages():
    v = petrol_visit()
    del v.sample.product_fields["tank_no"]
    del v.sample.product_fields["detergent_added"]
    problems = rules.sample_complete(v, PETROL)
    assert [(p.code, p.field) for p in problems] == [
        ("product_field.required", "sample.product_fields.tank_no"),
        ("product_field.required", "sample.product_fields.detergent_added")]
    assert [p.text() for p in problems] == ["请填写油罐号", "请填写是否加入清净剂"]
    assert problems[0].text("en") == "Enter the tank no."
    v.sample.product_fields = dict(PETROL_VALUES)
    assert rules.sample_complete(v, PETROL) == []


def test_optional_fields_may_stay_empty():
    values = {"sph_right": "-2.25", "sph_left": "-1.75", "pupil_distance": "62"}
    v = complete_visit()
    v.sample.product_fields = product_fields.parse_values(SPECTACLES, values)
    assert product_fields.product_fields_complete(v, SPECTACLES) == []


def test_a_field_of_another_product_is_refused():
    with pytest.raises(RuleViolation) as e:
        product_fields.parse_values(PETROL, {"down_content": "90"})
    assert e.value.problems[0].code == "product_field.unknown"
    v = petrol_visit()
    v.sample.product_fields["down_content"] = "90"
    assert [p.code for p in product_fields.product_fields_complete(v, PETROL)] == ["product_field.unknown"]


@pytest.mark.parametrize("rule,key,typed,stored", [
    (SPECTACLES, "sph_right", "-2.25", "-2.25"),
    (SPECTACLES, "sph_right", "+1.5", "+1.5"),
    (SPECTACLES, "sph_right", "1.50", "+1.50"),          # lens powers keep their sign
    (SPECTACLES, "sph_right", "－2.00", "-2.00"),         # full-width minus typed with an IME
    (DOWN, "down_content", "90%", "90"),                  # the unit typed along is dropped
    (DOWN, "fill_weight", "1,200", "1200"),
    (PETROL, "tank_stock", " 18000 L", "18000"),
    (PETROL, "last_delivery_date", "2022/11/10", "2022-11-10"),
    (PETROL, "last_delivery_date", "2022年11月10日", "2022-11-10"),
    (PETROL, "detergent_added", "yes", "是"),
    (PETROL, "detergent_added", "否", "否"),
    (PETROL, "supplier", "  某某油库 ", "某某油库"),
    (PETROL, "supplier", "  ", ""),
])
def test_typed_values_are_stored_as_text_the_forms_print(rule, key, typed, stored):
    assert product_fields.parse_values(rule, {key: typed}) == {key: stored}


@pytest.mark.parametrize("rule,key,typed,code", [
    (DOWN, "down_content", "九十", "product_field.number"),
    (DOWN, "down_content", "-90", "product_field.negative"),
    (BATTERY, "nominal_voltage", "1.5V伏", "product_field.number"),
    (PETROL, "last_delivery_date", "2022-13-01", "product_field.date"),
    (PETROL, "last_delivery_date", "上周", "product_field.date"),
    (PETROL, "detergent_added", "也许", "product_field.yes_no"),
])
def test_bad_values_are_refused_with_the_field_named(rule, key, typed, code):
    with pytest.raises(RuleViolation) as e:
        product_fields.parse_values(rule, {key: typed})
    (p,) = e.value.problems
    assert (p.code, p.field) == (code, f"sample.product_fields.{key}")
    assert rule.product_field(key).label in p.text()


def test_evidence_step_asks_for_the_products_photos_after_the_notices():
    assert rules.evidence_step_categories(None) == (C.SITE, C.STORAGE, C.LABEL, C.STOCK)
    assert rules.evidence_step_categories(PETROL) == (C.SITE, C.STORAGE, C.LABEL, C.STOCK, C.PUMP, C.DELIVERY)
    assert rules.evidence_step_categories(SPECTACLES)[4:] == (C.PRESCRIPTION,)
    assert rules.evidence_step_categories(RULES["室内加热器"])[4:] == (C.NAMEPLATE, C.CERTIFICATE)
    # sampling and sealed photos stay at their own steps
    assert C.SAMPLING not in rules.evidence_step_categories(PETROL)


def test_product_photos_are_required_unless_a_reason_is_written():
    from app.domain.workflow import Step, VisitFlow
    from tests.domain.builders import context
    v = petrol_visit()
    flow = VisitFlow(v, context(rule=PETROL))
    assert [p.params["category"] for p in flow.missing(Step.EVIDENCE)] == ["pump", "delivery"]
    assert flow.missing(Step.EVIDENCE)[0].text() == "缺少加油机及油枪（牌号、单价）照片（或填写未拍摄的理由）"
    v.evidence_waivers["delivery"] = "站长称进货单据在公司总部"
    assert [p.params["category"] for p in flow.missing(Step.EVIDENCE)] == ["pump"]


def test_product_fields_are_signed_only_when_there_are_any():
    v = complete_visit()
    assert "product_fields" not in record_document(v)["sample"]
    before = record_hash(v)
    v.sample.product_fields = dict(PETROL_VALUES)
    assert record_document(v)["sample"]["product_fields"]["fuel_grade"] == "92#"
    signed = record_hash(v)
    assert signed != before
    v.sample.product_fields["fuel_grade"] = "95#"
    assert record_hash(v) != signed


def test_printable_follows_the_rule_and_appends_units():
    rows = product_fields.printable(PETROL, PETROL_VALUES)
    assert rows[0] == ("牌号", "92#") and ("罐存量", "18000 L") in rows
    assert ("标准阶段", "国VI(A)") in rows


def test_record_signed_before_the_new_fields_still_verifies():
    """tests/domain/data: a refused visit with every part filled (party,
    sample, payment, refusal, problem), stored by the code before product
    fields, 经济类型, invoices, refusal witnesses and the no-sample record
    existed (commit fde1f3e). It loads with the same hash and bytes."""
    import json
    from pathlib import Path
    from app.domain.plain import from_plain
    from app.domain.record import record_bytes, sealing_hash
    from app.domain.visit import Visit
    data = json.loads((Path(__file__).parent / "data" / "record_before_product_fields.json")
                      .read_text(encoding="utf-8"))
    v = from_plain(Visit, data["stored_doc"])
    assert v.refusal is not None and v.no_sample is None and v.sample.product_fields == {}
    assert record_hash(v) == data["record_hash"] == v.record_hash
    assert record_bytes(v).decode("utf-8") == data["canonical"]
    doc = record_document(v)
    for absent in ("no_sample",):
        assert absent not in doc
    assert "economic_type" not in doc["party"] and "invoice_no" not in doc["payment"]
    assert "witness_name" not in doc["refusal"]
    # set, each new field is signed
    for change in (lambda x: setattr(x.party, "economic_type", "国有"),
                   lambda x: setattr(x.payment, "invoice_no", "123"),
                   lambda x: setattr(x.refusal, "witness_name", "郭建平")):
        w = from_plain(Visit, data["stored_doc"])
        before = sealing_hash(w)
        change(w)
        assert record_hash(w) != data["record_hash"]
    assert sealing_hash(w) == before            # the seals vouch for party, sample, payment only
