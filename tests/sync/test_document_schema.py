"""The record document's schema: it accepts every document the app emits,
its lengths agree with the server's columns, and a push outside it is a
422 in the error envelope naming the field, before anything is stored."""
from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import String, func, select

from app.domain.record import amendment_document, record_document
from sync.protocol import document as schema
from sync.server.auth.models import User
from sync.server.parties.models import Party
from sync.server.records.models import Record
from tests.domain.builders import complete_visit, fully_populated_visit
from tests.sync.pushes import raw_json, record_body, rehash


def test_every_document_the_domain_emits_is_valid():
    for visit in (complete_visit(), fully_populated_visit()):
        schema.RECORD_SCHEMAS[1].model_validate(record_document(visit))
    for a in fully_populated_visit().amendments:
        schema.AmendmentDocument.model_validate(amendment_document(a))
    # the times a record holds, for the server's window check
    assert {"finished_at", "started_at", "evidence[].captured_at", "seals[].sealed_at",
            "signatures[].signed_at", "refusal.occurred_at", "problem.reported_at"} <= set(schema.RECORD_TIMES)


def test_string_limits_are_the_lengths_of_the_server_columns():
    party_columns = {c.name: c.type.length for c in Party.__table__.columns if isinstance(c.type, String)}
    for (cls, field), limit in schema.LIMITS.items():
        if cls == "InspectedParty":
            assert party_columns[field] == limit, field
    users = {c.name: c.type.length for c in User.__table__.columns if isinstance(c.type, String)}
    assert schema.LIMITS[("TeamMember", "name")] == users["name"]
    assert schema.LIMITS[("TeamMember", "certificate_no")] == users["certificate_no"]
    assert schema.LIMITS[("SampleDetails", "product")] == Record.__table__.c.product.type.length
    model = schema.RECORD_SCHEMAS[1].model_json_schema()
    party = model["$defs"]["InspectedPartyDoc"]["properties"]
    assert party["credit_code"]["maxLength"] == 18 and party["name"]["maxLength"] == 300


DEEP = "DEEP-PLACEHOLDER"


def _cases():
    """(name, change to the document or push, expected field, expected code, raw JSON splices)."""
    def doc(path, value):
        def change(body):
            node = body["document"]
            *parents, last = path
            for p in parents:
                node = node[p]
            if value is KeyError:
                del node[last]
            else:
                node[last] = value
        return change

    def push(key, value):
        def change(body):
            body[key] = value
        return change

    deep = "[" * 800 + "]" * 800
    return [
        ("float money", doc(("payment", "amount"), 1.5), "document.payment.amount", "input.float", {}),
        ("huge float", doc(("sample", "unit_price"), 1e308), "document.sample.unit_price", "input.float", {}),
        ("NaN", doc(("sample", "unit_price"), "NAN-PLACEHOLDER"), "document.sample.unit_price", "input.float",
         {"NAN-PLACEHOLDER": "NaN"}),
        ("Infinity outside the document", push("device_elapsed_s", "INF-PLACEHOLDER"), "device_elapsed_s",
         "input.number", {"INF-PLACEHOLDER": "Infinity"}),
        ("decimal with a comma", doc(("payment", "amount"), "31,40"), "document.payment.amount", "input.decimal", {}),
        ("lone surrogate", doc(("remarks",), "SURROGATE-PLACEHOLDER"), "document.remarks", "input.text",
         {"SURROGATE-PLACEHOLDER": '"a\\ud800b"'}),
        ("lone surrogate in an id", push("visit_id", "SURROGATE-PLACEHOLDER"), "visit_id", "input.text",
         {"SURROGATE-PLACEHOLDER": '"\\udfff"'}),
        ("NUL in a name", doc(("party", "name"), "加油站\x00"), "document.party.name", "input.text", {}),
        ("missing status", doc(("status",), KeyError), "document.status", "input.missing", {}),
        ("list status", doc(("status",), ["finished"]), "document.status", "input.choice", {}),
        ("int status", doc(("status",), 1), "document.status", "input.choice", {}),
        ("party as a string", doc(("party",), "某加油站"), "document.party", "input.type", {}),
        ("party as a list", doc(("party",), ["某加油站"]), "document.party", "input.type", {}),
        ("int credit code", doc(("party", "credit_code"), 911401001234567890), "document.party.credit_code",
         "input.type", {}),
        ("int photo hashes", doc(("photo_hashes",), 5), "document.photo_hashes", "input.type", {}),
        ("naive time", doc(("finished_at",), "2026-11-30T10:00:00"), "document.finished_at", "input.timezone", {}),
        ("naive device time", push("device_time", "2026-11-30T10:00:00"), "device_time", "input.timezone", {}),
        ("not a time", doc(("started_at",), "yesterday"), "document.started_at", "input.datetime", {}),
        ("800-deep nesting", doc(("remarks",), DEEP), "document.remarks", "input.type", {DEEP: deep}),
        ("800-deep unknown field", doc(("zz",), DEEP), "document.zz", "input.unknown", {DEEP: deep}),
        ("unknown field", doc(("price_paid",), "1"), "document.price_paid", "input.unknown", {}),
        ("volatile field", doc(("step",), "sign"), "document.step", "input.unknown", {}),
        ("name longer than its column", doc(("party", "name"), "店" * 301), "document.party.name",
         "input.too_long", {}),
        ("credit code too long", doc(("party", "credit_code"), "9" * 19), "document.party.credit_code",
         "input.too_long", {}),
        ("bad photo hash", doc(("photo_hashes",), ["abc"]), "document.photo_hashes[0]", "input.format", {}),
        ("evidence entry not an object", doc(("evidence",), [1]), "document.evidence[0]", "input.type", {}),
        ("unknown version", doc(("canonical_version",), 2), "document.canonical_version", "sync.canonical_version",
         {}),
        ("no version", doc(("canonical_version",), KeyError), "document.canonical_version", "input.missing", {}),
        ("document of another visit", doc(("id",), "another-visit"), "document.id", "sync.document_mismatch", {}),
        ("document of another task", doc(("task_id",), "t-other"), "document.task_id", "sync.document_mismatch", {}),
        ("bool for an int", doc(("seals", 0, "package_no"), True), "document.seals[0].package_no", "input.type",
         {}),
        ("short client id", push("client_id", "c1"), "client_id", "input.too_short", {}),
    ]


def test_a_push_outside_the_schema_is_a_422_naming_the_field(live):
    with live.client("s_a1") as c:
        for name, change, field, code, splices in _cases():
            body = record_body(live)
            change(body)
            rehash(body)
            r = c.post("/v1/records", content=raw_json(body, **splices), headers={"Content-Type": "application/json"})
            assert r.status_code == 422, (name, r.status_code, r.text[:300])
            out = r.json()
            assert out["ok"] is False and out["protocol"] == "fs-sync/1", name
            fields = {(p["field"], p["code"]) for p in out["problems"]}
            assert (field, code) in fields, (name, fields)
            shown = next(p for p in out["problems"] if p["field"] == field)
            assert shown["zh"] and shown["en"] and shown["zh"] != shown["en"], (name, shown)
            if code.startswith("input."):
                assert field in shown["zh"] and field in shown["en"], (name, shown)
        # Nothing of it was stored; the record itself is still accepted.
        with live.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Record)) == 0
        assert c.post("/v1/records", json=record_body(live)).status_code == 201


def test_an_amendment_outside_its_schema_is_refused_before_its_base_is_looked_up(live_sqlite):
    live = live_sqlite
    body = record_body(live)
    base_hash = body["record_hash"]
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
        amendment = {"id": "am-1", "path": "remarks", "old_value": "", "new_value": "补记", "reason": "漏写",
                     "created_at": body["device_time"], "prev_hash": base_hash, "party_signature_sha256": ""}
        push = dict(body, client_id="am-client-1", kind="amendment", document=amendment)
        for change, field, code in ((lambda d: d.update(new_value=1.5), "document.new_value", "input.float"),
                                    (lambda d: d.pop("prev_hash"), "document.prev_hash", "input.missing"),
                                    (lambda d: d.update(created_at="2026-01-01T00:00:00"), "document.created_at",
                                     "input.timezone"),
                                    (lambda d: d.update(hash=base_hash), "document.hash", "input.unknown")):
            doc = copy.deepcopy(amendment)
            change(doc)
            r = c.post("/v1/records", json=rehash(dict(push, document=doc)))
            assert r.status_code == 422 and (field, code) in {(p["field"], p["code"]) for p in r.json()["problems"]}
        assert c.post("/v1/records", json=rehash(dict(push), live.world.keys["s_a1"])).status_code == 201


@pytest.mark.parametrize("doc_change", [
    lambda d: d["sample"].update(unit_price="0.01"),
    lambda d: d.update(remarks="长" * 10000),
    lambda d: d["party"].update(name="店" * 300),
    lambda d: d.update(finished_at="2026-11-30T18:00:00+08:00"),
])
def test_edge_values_inside_the_schema_are_accepted(doc_change):
    doc = record_document(complete_visit())
    doc_change(doc)
    schema.RECORD_SCHEMAS[1].model_validate(doc)


@dataclasses.dataclass
class Extra:
    fields: dict = dataclasses.field(default_factory=dict)
    note: Any = None


def test_a_field_the_domain_leaves_untyped_is_bounded_plain_json():
    """Should the domain gain an untyped field (Any, a bare dict), the
    derived schema still refuses floats, bad text and deep nesting in it."""
    model = schema.model_for(Extra)
    model.model_validate({"fields": {"油罐": ["2号", 3, None, True]}, "note": "好"})
    for bad, kind in (({"fields": {"k": 1.5}}, "json_float"), ({"note": "坏\x00"}, "text_nul"),
                      ({"fields": {"k": [[[[[[[[[[1]]]]]]]]]]}}, "too_deep"), ({"note": "长" * 10001}, "string_too_long")):
        with pytest.raises(ValidationError) as e:
            model.model_validate(bad)
        assert e.value.errors()[0]["type"] == kind
