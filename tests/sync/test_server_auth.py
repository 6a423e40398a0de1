"""Authorization on every endpoint: missing, invalid, revoked and expired
tokens; wrong role; other agency; other team. Each refusal is paired with a
request that succeeds for the right caller, so a test cannot pass by an
endpoint refusing everybody."""
from __future__ import annotations

import base64
import hashlib
import os
import re

from app.domain.record import record_hash
from tests.sync.route_table import app_routes
from tests.sync.visits import push_body, signed, world_visit

PHOTO = os.urandom(1000)
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def _push_body(live, task_label: str, party_label: str, product="车用汽油", item="2022-4-11", user="s_a1") -> dict:
    v, _ = world_visit(live.world, task_label, party_label, product, item)
    return push_body(v, key=live.world.keys[user])


def test_every_authenticated_endpoint_refuses_bad_tokens(live):
    w = live.world
    body = _push_body(live, "a1_petrol", "gas1")
    endpoints = [
        ("GET", "/v1/me", None), ("GET", "/v1/pull", None), ("POST", "/v1/records", body),
        ("GET", f"/v1/records/{body['client_id']}", None), ("POST", "/v1/blobs/missing", {"hashes": [PHOTO_SHA]}),
        ("GET", f"/v1/blobs/{PHOTO_SHA}/upload", None), ("GET", f"/v1/blobs/{PHOTO_SHA}", None),
        ("GET", "/v1/tasks", None), ("GET", "/v1/devices", None),
        ("POST", f"/v1/devices/{w.devices['s_a1b']}/revoke", None),
        ("GET", f"/v1/devices/{w.devices['s_a1']}/public-key", None),
        ("GET", "/v1/progress?plan_id=2022-4", None), ("GET", "/v1/audit", None),
        ("POST", "/v1/tasks", {"plan_item_id": "2022-4-11", "party_id": w.parties["gas2"], "team_id": "team-a1"}),
        ("POST", "/v1/tasks/draw", {"plan_item_id": "2022-4-11", "count": 1}),
        ("POST", f"/v1/tasks/{w.tasks['a1_urea']}/cancel", {"reason": "x"}),
    ]
    bad = {"missing": None, "invalid": "not-a-token", "revoked": w.revoked_token, "expired": w.expired_token}
    for kind, token in bad.items():
        with live.client(token=token) as c:
            for method, path, payload in endpoints:
                r = c.request(method, path, json=payload) if method != "PATCH" else None
                assert r.status_code == 401, (kind, method, path, r.status_code)
                err = r.json()["error"]
                assert err["code"].startswith("auth.") and err["zh"] and err["en"]
    with live.client(token=w.revoked_token) as c:
        assert c.get("/v1/me").json()["error"]["code"] == "auth.device_revoked"
    with live.client(token=w.expired_token) as c:
        assert c.get("/v1/me").json()["error"]["code"] == "auth.token_expired"
    # The same upload with a bad token is refused before a byte is stored.
    with live.client(token=w.revoked_token) as c:
        r = c.patch(f"/v1/blobs/{PHOTO_SHA}", content=PHOTO,
                    headers={"Upload-Offset": "0", "Upload-Length": str(len(PHOTO))})
        assert r.status_code == 401
    with live.client("s_a1") as c:
        assert c.get(f"/v1/blobs/{PHOTO_SHA}/upload", params={"length": len(PHOTO)}).json()["offset"] == 0


def test_lists_and_records_are_confined_to_team_and_agency(live):
    """Which route each role may call is tests/sync/route_table.py; here:
    what a permitted call returns stays inside the caller's team / agency."""
    w = live.world
    body = _push_body(live, "a1_petrol", "gas1")
    # Other team: a record for team a1's task is refused with a reason; another
    # agency is told what it would be told of a task that does not exist.
    nowhere, _ = world_visit(w, "a1_petrol", "gas1")
    nowhere.task_id = "t-000000000000"                     # a task no server has
    nowhere.record_hash = record_hash(nowhere)
    unknown = push_body(nowhere)
    for user, code in (("s_a2", "sync.task_not_yours"), ("s_b1", "sync.task_unknown")):
        with live.client(user) as c:
            r = c.post("/v1/records", json=signed(body, w.keys[user]))
            assert r.status_code == 422 and r.json()["problems"][0]["code"] == code
            if user == "s_b1":
                nothing = c.post("/v1/records", json=signed(unknown, w.keys[user])).json()["problems"][0]
                assert {k: v for k, v in nothing.items() if k not in ("params", "zh", "en")} == {
                    k: v for k, v in r.json()["problems"][0].items() if k not in ("params", "zh", "en")}
    # What each caller sees is limited to its team / agency.
    with live.client("s_a2") as c:
        assert {t["id"] for t in c.get("/v1/pull").json()["tasks"]} == {w.tasks["a2_petrol"]}
        assert {t["id"] for t in c.get("/v1/tasks").json()["tasks"]} == {w.tasks["a2_petrol"]}
    with live.client("s_b1") as c:
        assert {t["id"] for t in c.get("/v1/pull").json()["tasks"]} == {w.tasks["b1_petrol"]}
    with live.client("adm_b") as c:
        assert all(t["agency_id"] == "agency-b" for t in c.get("/v1/tasks").json()["tasks"])
        assert {d["user_id"] for d in c.get("/v1/devices").json()["devices"]} <= _users_of(live, "agency-b")
    # The right callers succeed.
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
        assert c.get(f"/v1/records/{body['client_id']}").status_code == 200
    with live.client("s_b1") as c:
        assert c.get(f"/v1/records/{body['client_id']}").status_code == 404     # other agency
    with live.client("adm_b") as c:
        assert c.get(f"/v1/records/{body['client_id']}").status_code == 404
        rows = c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]
        assert sum(r["sampled"] for r in rows) == 0          # agency A's record is not counted for B
    with live.client("adm_a") as c:
        rows = c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]
        assert sum(r["sampled"] for r in rows) == 1
        assert c.get(f"/v1/devices/{w.devices['s_a1']}/public-key").status_code == 200
        assert c.post(f"/v1/tasks/{w.tasks['a1_urea']}/cancel", json={"reason": "计划调整"}).status_code == 200
        assert c.post(f"/v1/devices/{w.devices['s_a1b']}/revoke").status_code == 200
    with live.client("s_a1b") as c:        # revoked: cut off at its very next request
        assert c.get("/v1/pull").json()["error"]["code"] == "auth.device_revoked"
    with live.client("prov") as c:
        actions = [e["action"] for e in c.get("/v1/audit").json()["entries"]]
        assert "device.revoke" in actions and "task.cancel" in actions and "record.received" in actions


def _users_of(live, agency: str) -> set[str]:
    from sqlalchemy import select
    from sync.server.auth.models import User
    with live.db.session() as s:
        return set(s.scalars(select(User.id).where(User.agency_id == agency)))


def test_login_is_rate_limited_and_passwords_are_hashed(live):
    with live.client() as c:
        for _ in range(5):
            assert c.post("/v1/auth/login", json={"username": "adm_a", "password": "wrong"}).status_code == 401
        r = c.post("/v1/auth/login", json={"username": "adm_a", "password": "correct horse 抽样"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert r.json()["error"]["code"] == "auth.rate_limited"
    from sqlalchemy import select
    from sync.server.auth.models import User
    with live.db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "adm_a"))
    assert stored.startswith("scrypt$") and "correct horse" not in stored


def test_enroll_registers_the_public_key_only_for_samplers(live):
    key = base64.b64encode(os.urandom(32)).decode()
    with live.client() as c:
        r = c.post("/v1/auth/enroll", json={"username": "s_a1", "password": "correct horse 抽样",
                                            "device_name": "笔记本", "public_key": key})
        assert r.status_code == 201
        device_id, token = r.json()["device_id"], r.json()["token"]
        bad = c.post("/v1/auth/enroll", json={"username": "s_a1", "password": "correct horse 抽样",
                                              "public_key": base64.b64encode(b"short").decode()})
        # not 32 bytes of base64: outside the request's schema
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "public_key"
        admin = c.post("/v1/auth/enroll", json={"username": "adm_a", "password": "correct horse 抽样",
                                                "public_key": key})
        assert admin.status_code == 403
    with live.client(token=token) as c:
        assert c.get("/v1/me").json()["device_id"] == device_id
    with live.client("lab_a") as c:
        assert c.get(f"/v1/devices/{device_id}/public-key").json()["public_key"] == key
    from sqlalchemy import select
    from sync.server.devices.models import Device
    with live.db.session() as s:
        d = s.get(Device, device_id)
        assert d.token_sha256 != token and token not in str(s.scalars(select(Device.token_sha256)).all())


def test_every_endpoint_is_in_the_openapi_document(live):
    with live.client() as c:
        doc = c.get("/openapi.json").json()
    routes = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    served = {(m, re.sub(r"\{(\w+):\w+\}", r"{\1}", p))        # {sha256:sha256} is {sha256} there
              for m, p in app_routes(live.running.server.config.app) if p.startswith("/v1/")}   # the API's
    assert len(served) >= 20 and served <= routes
    assert ("PATCH", "/v1/blobs/{sha256}") in routes
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
