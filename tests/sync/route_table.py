"""THE table of who gets what from every route of the server: each route x
each caller, one expected HTTP status. test_route_table.py walks it against
a real server and fails on any answer that differs, on any route of the app
missing here, and on any role without a column.

Callers (COLUMNS, left to right) are accounts of tests/sync/world.py:
  anon      no token
  s_a1      sampler of agency A, team a1, with its enrolled device's token
  s_a1~pw   the same sampler's password session (POST /v1/auth/login)
  s_a2      sampler of agency A, another team (a2)
  s_b1      sampler of agency B
  adm_a     agency admin of A         adm_b    agency admin of B
  prov      provincial admin
  lab_a     lab of agency A           lab_b    lab of agency B
  lm_a      lab manager of agency A   lt_a     lab tester of agency A (blind codes only)
The lab's own console pages (/console/lab/...) have their own table,
tests/lab/routes.py, walked in a world with received samples and blind
codes (tests/lab/test_roles.py); this table's test counts them as rows.
The objects a row touches belong to agency A, team a1 (Scene below), so the
B columns show what another agency gets: 404 where a 403 would confirm the
object exists. The API authenticates by bearer token; the web console
(/console/...) by its session cookie, which each caller gets by signing in
there before the walk (no session: 303 to the sign-in page).

Adding a route: add a row to ROUTES keyed by (METHOD, path template exactly
as the app declares it), with a `call` that builds the request from the
Scene (use its ids, or add one to Scene and make it in
test_route_table._scene; a row that changes data must leave the other rows'
objects as they were, because each caller runs every row in order on its
own fresh database; a console form carries `s.csrf`), and the expected
statuses, one per column, in COLUMNS order. Adding a role: a new column
(an account in world.py and CALLERS).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Callable

from fastapi.routing import iter_route_contexts

from sync.protocol.roles import Role
from tests.sync.visits import signed
from tests.sync.world import PASSWORD, new_credit_code, public_key

COLUMNS = ("anon", "s_a1", "s_a1~pw", "s_a2", "s_b1", "adm_a", "adm_b", "prov", "lab_a", "lab_b", "lm_a", "lt_a")

# column -> (role, world username, token kind); anon has no role
CALLERS: dict[str, tuple[Role | None, str | None, str]] = {
    "anon": (None, None, ""),
    "s_a1": (Role.SAMPLER, "s_a1", "device"),
    "s_a1~pw": (Role.SAMPLER, "s_a1", "session"),
    "s_a2": (Role.SAMPLER, "s_a2", "device"),
    "s_b1": (Role.SAMPLER, "s_b1", "device"),
    "adm_a": (Role.AGENCY_ADMIN, "adm_a", "session"),
    "adm_b": (Role.AGENCY_ADMIN, "adm_b", "session"),
    "prov": (Role.PROVINCIAL_ADMIN, "prov", "session"),
    "lab_a": (Role.LAB, "lab_a", "session"),
    "lab_b": (Role.LAB, "lab_b", "session"),
    "lm_a": (Role.LAB_MANAGER, "lm_a", "session"),
    "lt_a": (Role.LAB_TESTER, "lt_a", "session"),
}


@dataclass
class Scene:
    """What the rows refer to, made before the walk on each caller's fresh
    database: a record of team a1 (agency A) with its photos uploaded."""
    world: object
    record_client_id: str = ""
    record_photo: str = ""            # sha256 of one of its photos (uploaded)
    new_record: dict = field(default_factory=dict)    # a push body for another task of team a1
    blob: bytes = field(default_factory=lambda: os.urandom(2000))
    caller: str | None = None         # the world user walking the table now
    client: object = None             # the caller's client (bearer token and console cookie)
    csrf: str = "x"                   # the caller's console form token
    ids: dict = field(default_factory=dict)   # agency A's objects for the console rows (see _scene)

    def signed(self, body: dict) -> dict:
        """A push body signed with the caller's device key (if it has one)."""
        key = self.world.keys.get(self.caller) if self.caller else None
        return signed(body, key) if key else body

    @property
    def blob_sha(self) -> str:
        return hashlib.sha256(self.blob).hexdigest()


@dataclass
class Req:
    method: str
    path: str
    json: dict | None = None
    content: bytes | None = None
    data: dict | None = None          # a form (console)
    files: dict | None = None         # multipart files (console uploads)
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Row:
    call: Callable[[Scene], Req]
    expect: str                     # one status per column, in COLUMNS order

    def expected(self) -> dict[str, int]:
        codes = [int(c) for c in self.expect.split()]
        assert len(codes) == len(COLUMNS), f"{self.expect!r}: {len(codes)} statuses for {len(COLUMNS)} columns"
        return dict(zip(COLUMNS, codes))


# FastAPI's own pages, not the server's routes.
FRAMEWORK = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path template) of every route the app answers, including
    those of included routers (FastAPI keeps them behind the router)."""
    return {(m, r.path) for r in iter_route_contexts(app.routes) for m in (r.methods or ())
            if m != "HEAD"} - FRAMEWORK


def _enroll(s: Scene) -> Req:
    return Req("POST", "/v1/auth/enroll", {"username": "s_a1", "password": PASSWORD, "device_name": "表内",
                                           "public_key": public_key()})


def _upload(s: Scene) -> Req:
    return Req("PATCH", f"/v1/blobs/{s.blob_sha}", content=s.blob,
               headers={"Upload-Offset": "0", "Upload-Length": str(len(s.blob))})


def _exchange(s: Scene) -> Req:
    return Req("POST", "/v1/sync", {"protocol": "fs-sync/2", "pull": True, "records": [s.signed(s.new_record)],
                                    "need": [s.blob_sha], "status": [s.record_client_id]})


def console_sign_in(client, username: str, password: str = PASSWORD) -> str:
    """Sign `client` in to the web console; returns its form (CSRF) token."""
    client.get("/console/signin")
    pre = client.cookies.get("fs_console_pre", path="/console")
    r = client.post("/console/signin", data={"username": username, "password": password, "csrf": pre})
    assert r.status_code == 303, r.text[:300]
    m = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/dashboard").text)
    assert m, "no console form token"
    return m.group(1)


def _form(s: Scene, path: str, files: dict | None = None, **fields: str) -> Req:
    """A console form post with the caller's CSRF token."""
    return Req("POST", path, data={**fields, "csrf": s.csrf}, files=files)


def _console_signin(s: Scene) -> Req:
    """A wrong password (for an account that does not exist), with the
    sign-in form's own token: 401 for anybody."""
    s.client.get("/console/signin")
    pre = s.client.cookies.get("fs_console_pre", path="/console")
    return Req("POST", "/console/signin", data={"username": "nobody", "password": "wrong", "csrf": pre or ""})


def _party_csv() -> bytes:
    code = new_credit_code()
    return f"名称,统一社会信用代码,地址,抽样领域\n表内加油站,{code},太原市表内路1号,加油站\n".encode("utf-8")


#                                                         anon s_a1 s_a1~pw s_a2 s_b1 adm_a adm_b prov lab_a lab_b lm_a lt_a
ROUTES: dict[tuple[str, str], Row] = {
    ("GET", "/v1/health"): Row(
        lambda s: Req("GET", "/v1/health"),                    "200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/v1/auth/enroll"): Row(_enroll,                  "201 201 201 201 201 201 201 201 201 201 201 201"),
    ("POST", "/v1/auth/enroll-code"): Row(                     # s_a1 redeems its one-time code
        lambda s: Req("POST", "/v1/auth/enroll-code", {"code": s.ids["enroll_code"], "username": "s_a1",
                                                       "password": PASSWORD, "device_name": "表内",
                                                       "public_key": public_key()}),
        "201 201 201 201 201 201 201 201 201 201 201 201"),
    ("POST", "/v1/enrollment-codes"): Row(                     # for s_a2 (agency A); cancels none of the scene's
        lambda s: Req("POST", "/v1/enrollment-codes", {"username": "s_a2", "hours": 24}),
        "401 403 403 403 403 201 404 201 403 403 403 403"),
    ("GET", "/v1/enrollment-codes"): Row(
        lambda s: Req("GET", "/v1/enrollment-codes"),           "401 403 403 403 403 200 200 200 403 403 403 403"),
    ("POST", "/v1/enrollment-codes/{code_id}/cancel"): Row(    # spare_a's code (agency A)
        lambda s: Req("POST", f"/v1/enrollment-codes/{s.ids['spare_code']}/cancel"),
        "401 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/v1/app/release"): Row(
        lambda s: Req("GET", "/v1/app/release"),                "200 200 200 200 200 200 200 200 200 200 200 200"),
    ("PUT", "/v1/app/release"): Row(
        lambda s: Req("PUT", "/v1/app/release", {"version": "1.2.0", "download_url": "https://fs.example/1.2.0"}),
        "401 403 403 403 403 403 403 200 403 403 403 403"),
    ("POST", "/v1/shipments"): Row(                            # the courier shipment of the scene's visit (team a1)
        lambda s: Req("POST", "/v1/shipments", {"visit_id": s.ids["visit"], "courier": "顺丰速运",
                                                "tracking_no": "SF1234567890", "sent_on": "2022-11-15"}),
        "401 201 403 404 404 403 403 403 403 403 403 403"),
    ("POST", "/v1/auth/login"): Row(
        lambda s: Req("POST", "/v1/auth/login", {"username": "adm_a", "password": PASSWORD}),
        "200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/v1/me"): Row(
        lambda s: Req("GET", "/v1/me"),                        "401 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/v1/devices"): Row(
        lambda s: Req("GET", "/v1/devices"),                   "401 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/v1/devices/keys"): Row(
        lambda s: Req("GET", "/v1/devices/keys"),              "401 403 403 403 403 200 200 200 200 200 200 403"),
    ("POST", "/v1/devices/{device_id}/revoke"): Row(           # s_a1b's laptop (team a1)
        lambda s: Req("POST", f"/v1/devices/{s.world.devices['s_a1b']}/revoke"),
        "401 404 404 404 404 200 404 200 404 404 404 404"),
    ("GET", "/v1/devices/{device_id}/public-key"): Row(
        lambda s: Req("GET", f"/v1/devices/{s.world.devices['s_a1']}/public-key"),
        "401 403 403 403 403 200 404 200 200 404 200 403"),
    ("GET", "/v1/pull"): Row(
        lambda s: Req("GET", "/v1/pull"),                      "401 200 403 200 200 403 403 403 403 403 403 403"),
    ("POST", "/v1/records"): Row(                              # a task of team a1
        lambda s: Req("POST", "/v1/records", s.signed(s.new_record)),    "401 201 403 422 422 403 403 403 403 403 403 403"),
    ("POST", "/v1/sync"): Row(                                 # the exchange (fs-sync/2): every part at once;
        _exchange,                                             # a record of another team is refused inside (422)
        "401 200 403 200 200 403 403 403 403 403 403 403"),
    ("GET", "/v1/records/{client_id}"): Row(
        lambda s: Req("GET", f"/v1/records/{s.record_client_id}"),
        "401 200 200 404 404 200 404 200 200 404 200 404"),
    ("POST", "/v1/blobs/missing"): Row(
        lambda s: Req("POST", "/v1/blobs/missing", {"hashes": [s.blob_sha]}),
        "401 200 403 200 200 403 403 403 403 403 403 403"),
    ("GET", "/v1/blobs/{sha256:sha256}/upload"): Row(
        lambda s: Req("GET", f"/v1/blobs/{s.blob_sha}/upload", params={"length": str(len(s.blob))}),
        "401 200 403 200 200 403 403 403 403 403 403 403"),
    ("PATCH", "/v1/blobs/{sha256:sha256}"): Row(_upload,              "401 200 403 200 200 403 403 403 403 403 403 403"),
    ("GET", "/v1/blobs/{sha256:sha256}"): Row(                        # a photo of team a1's record
        lambda s: Req("GET", f"/v1/blobs/{s.record_photo}"),   "401 200 200 404 404 200 404 200 200 404 200 404"),
    ("GET", "/v1/progress"): Row(
        lambda s: Req("GET", "/v1/progress", params={"plan_id": "2022-4"}),
        "401 403 403 403 403 200 200 200 403 403 403 403"),
    ("GET", "/v1/tasks"): Row(
        lambda s: Req("GET", "/v1/tasks"),                     "401 200 200 200 200 200 200 200 403 403 403 403"),
    ("POST", "/v1/tasks"): Row(
        lambda s: Req("POST", "/v1/tasks", {"plan_item_id": "2022-4-11", "party_id": s.world.parties["gas2"],
                                            "team_id": "team-a1"}),
        "401 403 403 403 403 201 404 201 403 403 403 403"),
    ("POST", "/v1/tasks/draw"): Row(
        lambda s: Req("POST", "/v1/tasks/draw", {"plan_item_id": "2022-4-11", "count": 1}),
        "401 403 403 403 403 201 201 201 403 403 403 403"),
    ("POST", "/v1/tasks/{task_id}/cancel"): Row(
        lambda s: Req("POST", f"/v1/tasks/{s.world.tasks['a1_urea']}/cancel", {"reason": "计划调整"}),
        "401 403 403 403 403 200 404 200 403 403 403 403"),
    ("POST", "/v1/tasks/{task_id}/reassign"): Row(
        lambda s: Req("POST", f"/v1/tasks/{s.world.tasks['a1_down']}/reassign",
                      {"team_id": "team-a2", "reason": "人手调整"}),
        "401 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/v1/audit"): Row(
        lambda s: Req("GET", "/v1/audit"),                     "401 403 403 403 403 403 403 200 403 403 403 403"),
    # --- the web console (cookie session; forms carry the session's CSRF token) ---------------------
    ("GET", "/console"): Row(lambda s: Req("GET", "/console"),  "303 303 303 303 303 303 303 303 303 303 303 303"),
    ("GET", "/console/"): Row(lambda s: Req("GET", "/console/"), "303 303 303 303 303 303 303 303 303 303 303 303"),
    ("GET", "/console/signin"): Row(
        lambda s: Req("GET", "/console/signin"),               "200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/console/signin"): Row(_console_signin,          "401 401 401 401 401 401 401 401 401 401 401 401"),
    ("GET", "/console/lang/{code}"): Row(
        lambda s: Req("GET", "/console/lang/en"),              "303 303 303 303 303 303 303 303 303 303 303 303"),
    **{("GET", f"/console/{page}"): Row(lambda s, page=page: Req("GET", f"/console/{page}"),
                                        "303 403 403 403 403 200 200 200 403 403 403 403")
       for page in ("dashboard", "records", "tasks", "draws", "parties", "exports", "people", "devices",
                    "enrollment", "followups", "audit")},
    ("GET", "/console/records/{record_id}"): Row(
        lambda s: Req("GET", f"/console/records/{s.ids['record']}"), "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/records/{record_id}/documents/{name}.pdf"): Row(
        lambda s: Req("GET", f"/console/records/{s.ids['record']}/documents/sampling_form.pdf"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/blobs/{sha256}"): Row(
        lambda s: Req("GET", f"/console/blobs/{s.record_photo}"), "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/draws/{draw_id}"): Row(
        lambda s: Req("GET", f"/console/draws/{s.ids['draw']}"), "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/devices/{device_id}/revoke"): Row(
        lambda s: Req("GET", f"/console/devices/{s.ids['device']}/revoke"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/followups/{record_id}/files/{file_id}"): Row(
        lambda s: Req("GET", f"/console/followups/{s.ids['refusal']}/files/{s.ids['file']}"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("POST", "/console/tasks"): Row(
        lambda s: _form(s, "/console/tasks", plan_item_id="T-fuel", party_id=s.world.parties["gas2"],
                        team_id="team-a1"),                    "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/tasks/{task_id}/reassign"): Row(
        lambda s: _form(s, f"/console/tasks/{s.ids['task_move']}/reassign", team_id="team-a2", reason="人手调整"),
        "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/tasks/{task_id}/cancel"): Row(
        lambda s: _form(s, f"/console/tasks/{s.ids['task_cancel']}/cancel", reason="企业停业"),
        "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/draws"): Row(
        lambda s: _form(s, "/console/draws", plan_item_id="2022-4-11", count="1", seed="7"),
        "303 403 403 403 403 303 303 303 403 403 403 403"),
    ("POST", "/console/parties/import"): Row(
        lambda s: _form(s, "/console/parties/import", files={"file": ("parties.csv", _party_csv(), "text/csv")}),
        "303 403 403 403 403 200 200 200 403 403 403 403"),
    ("POST", "/console/exports/summary"): Row(
        lambda s: _form(s, "/console/exports/summary", format="csv", plan="2022-4"),
        "303 403 403 403 403 200 200 200 403 403 403 403"),
    ("POST", "/console/people/agencies"): Row(         # the province's
        lambda s: _form(s, "/console/people/agencies", id="agency-x", name="新机构"),
        "303 403 403 403 403 403 403 303 403 403 403 403"),
    ("POST", "/console/people/teams"): Row(            # an agency admin's lands in its agency
        lambda s: _form(s, "/console/people/teams", id="team-x", name="新组", agency_id="agency-a"),
        "303 403 403 403 403 303 303 303 403 403 403 403"),
    ("POST", "/console/people/users"): Row(
        lambda s: _form(s, "/console/people/users", username="lab_x", name="新人", role="lab", agency_id="agency-a"),
        "303 403 403 403 403 200 200 200 403 403 403 403"),
    ("POST", "/console/people/users/{user_id}/active"): Row(
        lambda s: _form(s, f"/console/people/users/{s.ids['user']}/active", active="0"),
        "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/people/users/{user_id}/password"): Row(
        lambda s: _form(s, f"/console/people/users/{s.ids['user']}/password"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("POST", "/console/devices/{device_id}/revoke"): Row(
        lambda s: _form(s, f"/console/devices/{s.ids['device']}/revoke"), "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/enrollment"): Row(             # for s_a2 (agency A): shown once, 200; B's admin: 404
        lambda s: _form(s, "/console/enrollment", user=s.ids["s_a2"], hours="24"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("GET", "/console/enrollment/{code_id}/cancel"): Row(          # spare_a's code (agency A)
        lambda s: Req("GET", f"/console/enrollment/{s.ids['spare_code']}/cancel"),
        "303 403 403 403 403 200 404 200 403 403 403 403"),
    ("POST", "/console/enrollment/{code_id}/cancel"): Row(
        lambda s: _form(s, f"/console/enrollment/{s.ids['spare_code']}/cancel"),
        "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/followups/{record_id}"): Row(
        lambda s: _form(s, f"/console/followups/{s.ids['refusal']}", determination_done="1",
                        determined_on="2022-11-16", note="已共同认定"), "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/followups/{record_id}/files"): Row(
        lambda s: _form(s, f"/console/followups/{s.ids['refusal']}/files",
                        files={"file": ("认定书.pdf", b"%PDF-1.4 determination", "application/pdf")}),
        "303 403 403 403 403 303 404 303 403 403 403 403"),
    ("POST", "/console/signout"): Row(                 # last: it ends the caller's console session
        lambda s: _form(s, "/console/signout"),               "303 303 303 303 303 303 303 303 303 303 303 303"),
}
