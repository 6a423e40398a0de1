"""Packaged reference data: the spot-check plan (附件1) and the per-product
sampling rules, both JSON files in resources/ so they can be edited without
touching code. Loading validates them and names the exact bad entry.

Plain Python in the domain (it reads files through app.domain.resources, as
the translation catalogue does): the app, the documents (forms), the server's
imports and its demo all read the same files through the same checks."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.domain import resources
from app.domain.plan import FieldType, Plan, PlanItem, ProductField, SamplingRule, Scope
from app.domain.rules import RULE_PHOTO_CATEGORIES

PLAN_FILE = "plan_2022_4.json"
RULES_FILE = "sampling_rules.json"
ENV_RESOURCES = resources.ENV_RESOURCES

# Every value of a rule must say where it comes from ("fields" too, when the
# product has product-specific fields).
SOURCED_FIELDS = ("unit", "test_quantity", "backup_quantity", "container",
                  "packages_test", "packages_backup", "required_photos")
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
SOURCE_STATUSES = ("verified", "excerpt", "known_to_exist", "assumption")


class ReferenceDataError(ValueError):
    """A resource file is missing or malformed; the message names the file
    and the entry so whoever edited it can fix it."""


def resources_dir() -> Path:
    """The resources/ folder that holds the plan (app.domain.resources says
    where it looks: $FIELD_SAMPLER_RESOURCES, a PyInstaller bundle, the
    repository, a wheel install's data folder)."""
    found = resources.find(PLAN_FILE)
    if found is None:
        raise ReferenceDataError("resources folder not found; looked in: "
                                 + ", ".join(str(c) for c in resources.candidates()))
    return found


def _read(path: Path | str | None, default_name: str) -> tuple[Path, Any]:
    path = Path(path) if path is not None else resources_dir() / default_name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ReferenceDataError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        return path, json.loads(text)
    except json.JSONDecodeError as e:
        raise ReferenceDataError(f"{path.name}: not valid JSON at line {e.lineno}, "
                                 f"column {e.colno}: {e.msg}") from None


class _Checker:
    """Small helpers that raise ReferenceDataError with file and location."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str):
        raise ReferenceDataError(f"{self.path.name}: {where}: {problem}")

    def obj(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "must be an object")
        return value

    def text(self, d: dict, key: str, where: str, *, required: bool = True) -> str:
        v = d.get(key, None if required else "")
        if not isinstance(v, str) or (required and not v.strip()):
            self.fail(f"{where}.{key}", "must be a non-empty text" if required else "must be text")
        return v

    def positive_int(self, d: dict, key: str, where: str, default: int | None = None) -> int:
        v = d.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            self.fail(f"{where}.{key}", f"must be a whole number greater than 0 (got {v!r})")
        return v

    def quantity(self, d: dict, key: str, where: str) -> str:
        v = self.text(d, key, where)
        try:
            ok = Decimal(v).is_finite() and Decimal(v) > 0
        except InvalidOperation:
            ok = False
        if not ok:
            self.fail(f"{where}.{key}", f"must be a positive decimal number as text (got {v!r})")
        return v

    def items(self, d: dict, key: str, where: str) -> list:
        v = d.get(key)
        if not isinstance(v, list) or not v:
            self.fail(f"{where}.{key}", "must be a non-empty list")
        return v

    def iso_date(self, value, where: str) -> date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where, f"must be a date YYYY-MM-DD (got {value!r})")


# ---- plan --------------------------------------------------------------

def _notice_no_format(c: "_Checker", doc: dict) -> str:
    """Optional; where given, "{seq}" marks where each task's number goes."""
    fmt = doc.get("notice_no_format", "")
    if not isinstance(fmt, str) or (fmt and "{seq}" not in fmt):
        c.fail("notice_no_format", "must be a text with {seq} where the task's number goes")
    return fmt


def load_plan(path: Path | str | None = None) -> Plan:
    """The plan in resources/plan_2022_4.json (or `path`), validated."""
    path, doc = _read(path, PLAN_FILE)
    c = _Checker(path)
    doc = c.obj(doc, "file")
    items, seen = [], set()
    for n, raw in enumerate(c.items(doc, "items", "plan")):
        where = f"items[{n}]"
        raw = c.obj(raw, where)
        item_id = c.text(raw, "id", where)
        if item_id in seen:
            c.fail(f"{where}.id", f"duplicate id {item_id!r}")
        seen.add(item_id)
        scopes = []
        for s in c.items(raw, "scopes", where):
            try:
                scopes.append(Scope(s))
            except ValueError:
                c.fail(f"{where}.scopes", f"unknown scope {s!r}; use one of "
                       + ", ".join(x.value for x in Scope))
        items.append(PlanItem(id=item_id, seq=c.positive_int(raw, "seq", where),
                              category=c.text(raw, "category", where),
                              product=c.text(raw, "product", where),
                              batches=c.positive_int(raw, "batches", where),
                              scopes=tuple(scopes)))
    plan = Plan(id=c.text(doc, "id", "plan"), title=c.text(doc, "title", "plan"),
                document_no=c.text(doc, "document_no", "plan"), items=tuple(items),
                notice_no_format=_notice_no_format(c, doc))
    total = doc.get("total_batches")
    if total is not None and total != plan.total_batches:
        c.fail("total_batches", f"says {total} but the items add up to {plan.total_batches}")
    return plan


def load_plan_notice(path: Path | str | None = None) -> dict[str, Any]:
    """How documents cite the plan's notice: `title` (its real title),
    `document_no` and `basis` (抽查依据, in the notice's order)."""
    path, doc = _read(path, PLAN_FILE)
    c = _Checker(path)
    doc = c.obj(doc, "file")
    basis = doc.get("basis", [])
    if not isinstance(basis, list) or not all(isinstance(b, str) and b.strip() for b in basis):
        c.fail("basis", "must be a list of texts")
    return {"title": c.text(doc, "notice_title", "plan"), "document_no": c.text(doc, "document_no", "plan"),
            "basis": tuple(basis)}


def load_plan_dates(path: Path | str | None = None) -> dict[str, date]:
    """Issue date and deadlines of the plan's notice: keys `issued`,
    `reports_delivered` (检验报告和结果通知送达) and `ecqs_entry` (e-CQS录入)."""
    path, doc = _read(path, PLAN_FILE)
    c = _Checker(path)
    doc = c.obj(doc, "file")
    out = {"issued": c.iso_date(doc.get("issued"), "issued")}
    for key, raw in c.obj(doc.get("deadlines"), "deadlines").items():
        out[key] = c.iso_date(c.obj(raw, f"deadlines.{key}").get("date"), f"deadlines.{key}.date")
    return out


# ---- sampling rules ----------------------------------------------------

def load_sampling_rules(path: Path | str | None = None) -> dict[str, SamplingRule]:
    """Rules by product name from resources/sampling_rules.json (or `path`).
    Each rule's `sources` maps a field to its citations, each with the
    source's title, url and status (verified / excerpt / known_to_exist /
    assumption) and what it says."""
    path, doc = _read(path, RULES_FILE)
    c = _Checker(path)
    doc = c.obj(doc, "file")
    catalog = c.obj(doc.get("sources"), "sources")
    for ref, src in catalog.items():
        src = c.obj(src, f"sources.{ref}")
        c.text(src, "title", f"sources.{ref}")
        if src.get("status") not in SOURCE_STATUSES:
            c.fail(f"sources.{ref}.status", f"must be one of {', '.join(SOURCE_STATUSES)}")
    categories = [c.value for c in RULE_PHOTO_CATEGORIES]
    rules: dict[str, SamplingRule] = {}
    for n, raw in enumerate(c.items(doc, "rules", "file")):
        where = f"rules[{n}]"
        raw = c.obj(raw, where)
        product = c.text(raw, "product", where)
        where = f"{where} ({product})"
        if product in rules:
            c.fail(where, "product listed twice")
        photos = raw.get("required_photos", [])
        if not isinstance(photos, list):
            c.fail(f"{where}.required_photos", "must be a list")
        for p in photos:
            if p not in categories:
                c.fail(f"{where}.required_photos", f"unknown photo category {p!r}; use one of "
                       + ", ".join(categories))
        fields = _fields(c, raw.get("fields", []), where)
        rules[product] = SamplingRule(
            product=product, unit=c.text(raw, "unit", where),
            test_quantity=c.quantity(raw, "test_quantity", where),
            backup_quantity=c.quantity(raw, "backup_quantity", where),
            container=c.text(raw, "container", where, required=False),
            packages_test=c.positive_int(raw, "packages_test", where, default=1),
            packages_backup=c.positive_int(raw, "packages_backup", where, default=1),
            required_photos=tuple(photos), notes=c.text(raw, "notes", where, required=False),
            sources=_citations(c, raw.get("sources"), catalog, where, ("fields",) if fields else ()),
            fields=fields)
    return rules


def _fields(c: _Checker, raw, where: str) -> tuple[ProductField, ...]:
    """The product-specific fields of a rule: a stable key, labels in both
    languages, a type (choices for a choice)."""
    if not isinstance(raw, list):
        c.fail(f"{where}.fields", "must be a list")
    out, seen = [], set()
    for n, f in enumerate(raw):
        at = f"{where}.fields[{n}]"
        f = c.obj(f, at)
        key = c.text(f, "key", at)
        if not FIELD_KEY.match(key) or key in seen:
            c.fail(f"{at}.key", f"must be unique, lower case letters, digits and _ (got {key!r})")
        seen.add(key)
        try:
            ftype = FieldType(f.get("type", "text"))
        except ValueError:
            c.fail(f"{at}.type", "must be one of " + ", ".join(t.value for t in FieldType))
        choices = f.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(x, str) and x.strip() for x in choices):
            c.fail(f"{at}.choices", "must be a list of texts")
        if ftype == FieldType.CHOICE and not choices:
            c.fail(f"{at}.choices", "a choice field needs its choices")
        if ftype != FieldType.CHOICE and choices:
            c.fail(f"{at}.choices", "only a choice field has choices")
        for flag in ("required", "signed"):
            if not isinstance(f.get(flag, flag == "required"), bool):
                c.fail(f"{at}.{flag}", "must be true or false")
        out.append(ProductField(key=key, label=c.text(f, "label", at), label_en=c.text(f, "label_en", at),
                                type=ftype, choices=tuple(choices), unit=c.text(f, "unit", at, required=False),
                                signed=f.get("signed", False), required=f.get("required", True),
                                hint=c.text(f, "hint", at, required=False),
                                hint_en=c.text(f, "hint_en", at, required=False)))
    return tuple(out)


def _citations(c: _Checker, raw, catalog: dict, where: str,
               also: tuple[str, ...] = ()) -> dict[str, tuple[dict, ...]]:
    raw = c.obj(raw, f"{where}.sources")
    out = {}
    for field in SOURCED_FIELDS + also:
        if not raw.get(field):
            c.fail(f"{where}.sources", f"no source given for {field!r}")
    for field, cites in raw.items():
        if not isinstance(cites, list) or not cites:
            c.fail(f"{where}.sources.{field}", "must be a non-empty list of citations")
        resolved = []
        for cite in cites:
            cite = c.obj(cite, f"{where}.sources.{field}")
            ref = cite.get("ref")
            if ref not in catalog:
                c.fail(f"{where}.sources.{field}", f"unknown source {ref!r}")
            src = catalog[ref]
            resolved.append({"ref": ref, "title": src["title"], "url": src.get("url", ""),
                             "status": src["status"], "says": cite.get("says", "")})
        out[field] = tuple(resolved)
    return out
