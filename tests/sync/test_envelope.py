"""The protocol says what the server does: every reply, success or error,
is in PROTOCOL.md's envelope, and OpenAPI declares every status a route
can answer."""
from __future__ import annotations

from sync.protocol.schemas import PROTOCOL


def _error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert body["ok"] is False and body["protocol"] == PROTOCOL, body
    assert set(body) >= {"error", "problems"} and "detail" not in body
    assert body["error"]["zh"] and body["error"]["en"]
    if code:
        assert body["error"]["code"] == code, body
    return body


def test_errors_the_framework_answers_are_in_the_envelope(live_sqlite):
    live = live_sqlite
    with live.client("adm_a") as c:
        _error(c.post("/v1/tasks", content=b"{not json", headers={"Content-Type": "application/json"}),
               422, "input.json")
        _error(c.post("/v1/tasks", content=b"\xff\xfe\x00", headers={"Content-Type": "application/json"}),
               422, "input.json")
        _error(c.post("/v1/tasks", content=b"plan_item_id=x", headers={"Content-Type": "text/plain"}), 422)
        body = _error(c.post("/v1/tasks", json={"party_id": 5}), 422)
        assert {(p["field"], p["code"]) for p in body["problems"]} >= {
            ("plan_item_id", "input.missing"), ("party_id", "input.type"), ("team_id", "input.missing")}
        empty = _error(c.post("/v1/tasks", content=b"", headers={"Content-Type": "application/json"}), 422)
        assert empty["error"]["field"] == "body"
        _error(c.post("/v1/tasks", content=b"[" * 300_000 + b"]" * 300_000,
                      headers={"Content-Type": "application/json"}), 413)
        _error(c.post("/v1/tasks", content=b"[" * 60_000, headers={"Content-Type": "application/json"}),
               422, "input.json")
        _error(c.post("/v1/tasks/draw", content=b'{"plan_item_id": "2022-4-11", "count": 1' + b"0" * 5000 + b"}",
                      headers={"Content-Type": "application/json"}), 422)
        _error(c.get("/v1/no-such-thing"), 404, "not_found")
        r = c.delete("/v1/tasks")
        _error(r, 405, "request.method")
        assert r.headers["allow"] == "GET, POST"
    with live.client("prov") as c:        # the audit log is the province's (others: 403 before the query)
        _error(c.get("/v1/audit", params={"limit": "lots"}), 422, "input.type")
    with live.client() as anonymous:
        _error(anonymous.get("/v1/me"), 401, "auth.token_missing")
        _error(anonymous.post("/v1/records", json={}), 401, "auth.token_missing")    # no token: before the body


def test_task_replies_carry_ok_and_protocol(live_sqlite):
    live = live_sqlite
    with live.client("adm_a") as c:
        made = c.post("/v1/tasks", json={"plan_item_id": "2022-4-18", "party_id": live.world.parties["shop1"],
                                         "team_id": "team-a2", "due_date": "2022-11-20"})
        assert made.status_code == 201 and made.json()["ok"] is True and made.json()["protocol"] == PROTOCOL
        assert made.json()["id"] and made.json()["team_id"] == "team-a2"        # the task's fields, as before
        task = made.json()["id"]
        moved = c.post(f"/v1/tasks/{task}/reassign", json={"team_id": "team-a1", "reason": "人手调整"})
        assert moved.status_code == 200 and moved.json()["ok"] is True and moved.json()["team_id"] == "team-a1"
        cancelled = c.post(f"/v1/tasks/{task}/cancel", json={"reason": "企业停业"})
        assert cancelled.status_code == 200 and cancelled.json()["ok"] is True
        assert cancelled.json()["status"] == "cancelled" and cancelled.json()["protocol"] == PROTOCOL


def test_push_refusals_are_error_envelopes_with_the_push_answer(live_sqlite):
    from tests.sync.pushes import record_body
    live = live_sqlite
    body = record_body(live)
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
        other = record_body(live, seed=2)
        clash = dict(other, client_id=body["client_id"])
        conflict = _error(c.post("/v1/records", json=clash), 409, "sync.conflict")
        assert conflict["status"] == "conflict" and conflict["client_id"] == body["client_id"]
        tampered = dict(other, record_hash="0" * 64)
        rejected = _error(c.post("/v1/records", json=tampered), 422, "sync.hash_mismatch")
        assert rejected["status"] == "rejected" and rejected["problems"][0]["code"] == "sync.hash_mismatch"


def test_openapi_declares_every_status_a_route_answers(live_sqlite):
    with live_sqlite.client() as c:
        doc = c.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 22
    for path, method, op in operations:
        declared = set(op["responses"])
        assert {"413", "422", "500"} <= declared, (method, path, declared)
        if path != "/v1/health":
            assert {"401", "403"} <= declared, (method, path, declared)
        for status, spec in op["responses"].items():
            if status.startswith(("4", "5")):
                ref = spec["content"]["application/json"]["schema"]
                assert "ErrorBody" in str(ref) or "PushRefused" in str(ref), (method, path, status, ref)
    push = doc["paths"]["/v1/records"]["post"]["responses"]
    assert {"200", "201", "409", "422"} <= set(push)
    assert "412" in doc["paths"]["/v1/pull"]["get"]["responses"]
    assert {"409", "423"} <= set(doc["paths"]["/v1/blobs/{sha256}"]["patch"]["responses"])
