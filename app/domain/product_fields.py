"""Product-specific fields (SamplingRule.fields): turning what a sampler
typed into the stored text, and checking a visit's values against its
product's rule. The rule is data, so a diesel sample offered a petrol grade
is refused here whatever screen or file it came from."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain.messages import Problem, RuleViolation
from app.domain.plan import FieldType, ProductField, SamplingRule
from app.domain.visit import Visit

YES, NO = "是", "否"  # i18n: stored values, printed on the form
_YES_WORDS = {"是", "yes", "y", "true", "1", "有", "已加入"}  # i18n: typed input read as yes
_NO_WORDS = {"否", "no", "n", "false", "0", "无", "未加入"}  # i18n: typed input read as no
_DATE_SEPARATORS = re.compile(r"[./年月]")  # i18n: date input as typed


def path(key: str) -> str:
    """The field path a problem names (the wizard outlines that widget)."""
    return f"sample.product_fields.{key}"


def _problem(code: str, f: ProductField, product: str, **params) -> Problem:
    return Problem(code, path(f.key), {"label": f.label, "label_en": f.label_en or f.label,
                                       "product": product, **params})


def parse_value(f: ProductField, raw: object, product: str = "") -> str:
    """The stored text for a typed value ("" = not filled in). Raises
    RuleViolation naming the field when the value does not fit it."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ""
    if f.type == FieldType.CHOICE:
        if text not in f.choices:
            raise RuleViolation([_problem("product_field.choice", f, product, value=text, choices=f.choices)])
        return text
    if f.type == FieldType.NUMBER:
        return _number(f, text, product)
    if f.type == FieldType.DATE:
        return _date(f, text, product)
    if f.type == FieldType.YES_NO:
        word = text.lower()
        if word in _YES_WORDS:
            return YES
        if word in _NO_WORDS:
            return NO
        raise RuleViolation([_problem("product_field.yes_no", f, product, value=text)])
    return text


def _number(f: ProductField, text: str, product: str) -> str:
    cleaned = text.replace("，", ",").replace(",", "").replace(" ", "")  # i18n: full-width comma typed
    if f.unit and cleaned.lower().endswith(f.unit.lower()):
        cleaned = cleaned[: -len(f.unit)]
    cleaned = cleaned.replace("＋", "+").replace("－", "-").replace("−", "-")  # i18n: full-width signs typed
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RuleViolation([_problem("product_field.number", f, product, value=text)])
    if value < 0 and not f.signed:
        raise RuleViolation([_problem("product_field.negative", f, product, value=text)])
    out = format(value, "f")
    # Lens powers are written with their sign (+1.50, -2.25).
    return f"+{out}" if f.signed and value > 0 else out


def _date(f: ProductField, text: str, product: str) -> str:
    parts = [p for p in _DATE_SEPARATORS.sub("-", text.rstrip("日")).split("-") if p]  # i18n: 2022年11月10日 typed
    try:
        y, m, d = (int(p) for p in parts)
        return date(y, m, d).isoformat()
    except (ValueError, TypeError):
        raise RuleViolation([_problem("product_field.date", f, product, value=text)]) from None


def parse_values(rule: SamplingRule, changes: dict[str, object]) -> dict[str, str]:
    """Several typed values at once, every problem collected (nothing is
    half-applied). Keys the product does not have are refused."""
    out, problems = {}, []
    for key, raw in changes.items():
        f = rule.product_field(key)
        if f is None:
            problems.append(Problem("product_field.unknown", path(key), {"product": rule.product, "name": key}))
            continue
        try:
            out[key] = parse_value(f, raw, rule.product)
        except RuleViolation as e:
            problems += e.problems
    if problems:
        raise RuleViolation(problems)
    return out


def product_fields_complete(visit: Visit, rule: SamplingRule | None) -> list[Problem]:
    """Every required field of the product filled in, every value valid for
    this product (a diesel sample cannot carry a petrol grade), no field of
    another product."""
    if rule is None:
        return []
    values = visit.sample.product_fields
    problems: list[Problem] = []
    for f in rule.fields:
        value = values.get(f.key, "")
        if not value.strip():
            if f.required:
                problems.append(_problem("product_field.required", f, rule.product))
            continue
        try:
            parse_value(f, value, rule.product)
        except RuleViolation as e:
            problems += e.problems
    for key in values:
        if rule.product_field(key) is None:
            problems.append(Problem("product_field.unknown", path(key), {"product": rule.product, "name": key}))
    return problems


def printable(rule: SamplingRule | None, values: dict[str, str],
              date_text: Callable[[str], str] = str) -> list[tuple[str, str]]:
    """(label, value with unit) in the rule's order, for the forms (dates
    through date_text, as the form writes dates); values of fields the rule
    does not know (a rule changed later) follow by key."""
    out = []
    known = set()
    for f in (rule.fields if rule else ()):
        known.add(f.key)
        v = values.get(f.key, "")
        if v and f.type == FieldType.DATE:
            v = date_text(v)
        out.append((f.label, f"{v} {f.unit}".strip() if v and f.unit else v))
    out += [(k, v) for k, v in values.items() if k not in known]
    return out
