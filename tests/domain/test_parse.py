"""Typed input: text as a sampler types it becomes typed values; a bad value
gets a message naming it, and a change with any bad value applies nothing."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from app.domain.messages import RuleViolation
from app.domain.parse import apply_changes, parse_decimal
from app.domain.visit import BackupStorage, Payment, PriceBasis, SampleDetails, ShownDocuments
from tests.domain.builders import complete_visit


@pytest.mark.parametrize("typed,value", [
    ("7.85", "7.85"), (" 7.85 ", "7.85"), ("¥7.85", "7.85"), ("￥7.85", "7.85"), ("7.85元", "7.85"),
    ("18,000", "18000"), ("1,234,567.50", "1234567.50"), ("18，000", "18000"), ("0", "0"), (4, "4"),
    (Decimal("31.40"), "31.40"), ("７.８５", "7.85"),
])
def test_numbers_as_typed(typed, value):
    assert parse_decimal(typed) == Decimal(value)
    assert format(parse_decimal(typed), "f") == value


@pytest.mark.parametrize("typed", [None, "", "   ", "元"])
def test_blank_is_none(typed):
    assert parse_decimal(typed) is None


@pytest.mark.parametrize("typed", ["七块八", "7.8.5", "abc", "NaN", "Infinity", "7,85", "1,23,456", "12,0000",
                                   True, Decimal("NaN")])
def test_not_a_number(typed):
    with pytest.raises(RuleViolation) as e:
        parse_decimal(typed, "sample.unit_price")
    p = e.value.problems[0]
    assert (p.code, p.field) == ("value.number", "sample.unit_price")
    assert p.text() == f"“{typed}”不是有效的数字"
    assert p.text("en") == f"“{typed}” is not a valid number"


@pytest.mark.parametrize("typed", ["-1", "-0.5元", -3, Decimal("-2")])
def test_negative_refused_however_given(typed):
    with pytest.raises(RuleViolation) as e:
        parse_decimal(typed, "sample.base_quantity")
    assert e.value.texts() == ["数值不能为负数"]


def test_apply_changes_parses_each_type():
    s = SampleDetails()
    apply_changes(s, {"product": " 车用汽油 ", "unit_price": "7.85元", "price_basis": "marked",
                      "base_quantity": "18,000", "test_quantity": 4, "backup_quantity": ""}, "sample")
    assert s.product == "车用汽油" and s.unit_price == Decimal("7.85")
    assert s.price_basis is PriceBasis.MARKED and s.base_quantity == Decimal("18000")
    assert s.test_quantity == Decimal("4") and s.backup_quantity is None
    apply_changes(s, {"price_basis": PriceBasis.MARKET, "unit_price": None}, "sample")
    assert s.price_basis is PriceBasis.MARKET and s.unit_price is None
    apply_changes(s, {"price_basis": ""}, "sample")
    assert s.price_basis is None


@pytest.mark.parametrize("typed,value", [(True, True), (False, False), ("true", True), ("False", False),
                                         ("是", True), ("否", False), ("1", True), ("0", False), (1, True),
                                         (0, False)])
def test_yes_no_as_typed(typed, value):
    d = ShownDocuments(inspection_notice=not value)
    apply_changes(d, {"inspection_notice": typed}, "shown")
    assert d.inspection_notice is value


def test_unclear_yes_no_refused():
    d = ShownDocuments()
    with pytest.raises(RuleViolation) as e:
        apply_changes(d, {"inspection_notice": "maybe"}, "shown")
    assert e.value.texts() == ["“maybe”不是有效的选项"]
    assert d.inspection_notice is False


def test_all_problems_reported_and_nothing_half_applied():
    v = complete_visit()
    before = copy.deepcopy(v.sample)
    changes = {"batch_no": "NEW-BATCH", "unit_price": "七块八", "base_quantity": "-5",
               "price_basis": "标价", "colour": "红"}
    with pytest.raises(RuleViolation) as e:
        apply_changes(v.sample, changes, "sample")
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("value.number", "sample.unit_price"), ("value.negative", "sample.base_quantity"),
        ("value.choice", "sample.price_basis"), ("value.unknown_field", "sample.colour")]
    assert e.value.texts() == ["“七块八”不是有效的数字", "数值不能为负数", "“标价”不是有效的选项", "未知字段：colour"]
    assert v.sample == before                      # the good batch_no was not applied either
    assert changes["batch_no"] == "NEW-BATCH"      # what was typed is still there to show again


def test_good_change_after_a_refused_one_applies():
    p = Payment()
    with pytest.raises(RuleViolation):
        apply_changes(p, {"amount": "x"}, "payment")
    apply_changes(p, {"amount": "31.40"}, "payment")
    assert p.amount == Decimal("31.40")


def test_text_fields_trimmed_and_none_becomes_empty():
    b = BackupStorage(location="旧地点")
    apply_changes(b, {"location": "  站房储物间 ", "approval_no": None}, "backup_storage")
    assert b.location == "站房储物间" and b.approval_no == ""


def test_integer_field():
    from app.domain.visit import Seal, SampleKind
    s = Seal("s", "J1", SampleKind.TEST)
    apply_changes(s, {"package_no": " 2 "}, "seal")
    assert s.package_no == 2
    with pytest.raises(RuleViolation) as e:
        apply_changes(s, {"package_no": "二"}, "seal")
    assert e.value.texts() == ["“二”不是有效的数字"] and s.package_no == 2
