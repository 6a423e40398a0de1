"""Who may open every console route, over HTTP against the demo server:
no session -> sign-in; sampler/lab -> 403; agency A's admin on agency B's
objects -> 404; a form without the right CSRF token -> refused; a party
name with <script> and quotes is escaped wherever it shows. The route
table must name every console route: a new route without a row fails."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from sync.server.auth.models import LoginCounter, User
from sync.server.db import utcnow
from sync.server.devices.models import Device
from sync.server.enrollment import service as enrollment
from sync.server.enrollment.models import EnrollmentCode
from sync.server.followups import service as followups
from sync.server.records.models import Record
from sync.server.tasks import draw as draws
from sync.server.tasks.models import Task
from tests.console.conftest import csrf_of

B = "agency-demo-2"      # the other agency; `agency` administers agency-demo

# method, path (with {record} {task} {draw} {device} {user} {file} of agency B), scoped to an object
ROUTES = [
    ("GET", "/console/dashboard", False), ("GET", "/console/records", False),
    ("GET", "/console/records/{record}", True), ("GET", "/console/records/{record}/documents/sampling_form.pdf", True),
    ("GET", "/console/blobs/{photo}", True),
    ("GET", "/console/tasks", False), ("POST", "/console/tasks", False),
    ("POST", "/console/tasks/{task}/reassign", True), ("POST", "/console/tasks/{task}/cancel", True),
    ("GET", "/console/draws", False), ("POST", "/console/draws", False), ("GET", "/console/draws/{draw}", True),
    ("GET", "/console/parties", False), ("POST", "/console/parties/import", False),
    ("GET", "/console/exports", False), ("POST", "/console/exports/summary", False),
    ("GET", "/console/people", False), ("POST", "/console/people/agencies", False),
    ("POST", "/console/people/teams", False), ("POST", "/console/people/users", False),
    ("POST", "/console/people/users/{user}/active", True), ("POST", "/console/people/users/{user}/password", True),
    ("GET", "/console/devices", False), ("GET", "/console/devices/{device}/revoke", True),
    ("POST", "/console/devices/{device}/revoke", True),
    ("GET", "/console/enrollment", False), ("POST", "/console/enrollment", False),
    ("GET", "/console/enrollment/{code}/cancel", True), ("POST", "/console/enrollment/{code}/cancel", True),
    ("GET", "/console/followups", False), ("POST", "/console/followups/{refusal}", True),
    ("POST", "/console/followups/{refusal}/files", True), ("GET", "/console/followups/{refusal}/files/{file}", True),
    ("GET", "/console/audit", False),
]
PUBLIC = {("GET", "/console"), ("GET", "/console/"), ("GET", "/console/signin"), ("POST", "/console/signin"),
          ("GET", "/console/lang/{code}"), ("POST", "/console/signout")}


@pytest.fixture(scope="module")
def objects(console_server):
    """Ids of agency B's objects (and a device of agency A, kept unrevoked)."""
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).where(Record.agency_id == B, Record.status == "finished").limit(1))
        refusal = s.scalar(select(Record).where(Record.agency_id == B, Record.status != "finished").limit(1))
        task = s.scalar(select(Task).where(Task.agency_id == B, Task.status == "assigned").limit(1)) or \
            s.scalar(select(Task).where(Task.agency_id == B).limit(1))
        d, _ = draws.draw_recorded(session=s, plan_item_id="2022-4-21", count=1, agency_id=B, seed=7, actor="agency2")
        device = s.scalar(select(Device).join(User, User.id == Device.user_id)
                          .where(User.agency_id == B, Device.kind == "device"))
        user = s.scalar(select(User).where(User.agency_id == B, User.role == "sampler"))
        f = followups.attach(session=s, store=__import__("sync.server.blobs.store", fromlist=["x"]).DiskBlobStore(
            console_server.data_dir / "blobs"), record=refusal, filename="认定书.pdf", media="application/pdf",
            data=b"%PDF-1.4 joint determination", actor="agency2")
        photo = __import__("json").loads(rec.document)["evidence"][0]["sha256"]
        code, _ = enrollment.create_code(session=s, username=user.username, actor="agency2")
        ids = {"code": code.id, "record": rec.id, "refusal": refusal.id, "task": task.id, "draw": d.id, "device": device.id,
               "user": user.id, "file": f.id, "photo": photo}
    db.close()
    return ids


def _url(path: str, ids: dict) -> str:
    return path.format(**ids)


def _post_data(path: str, csrf: str | None) -> dict:
    data = {"team_id": "team-demo-b", "reason": "测试", "plan_item_id": "2022-4-18", "count": "1", "format": "xlsx",
            "plan": "2022-4", "active": "0", "id": "x", "name": "x", "username": "x", "role": "sampler"}
    if csrf is not None:
        data["csrf"] = csrf
    return data


def test_the_route_table_names_every_console_route(console_server):
    from fastapi.routing import APIRoute

    from sync.server.console import _routers
    found = {(m, r.path) for router in _routers() for r in router.routes if isinstance(r, APIRoute)
             for m in r.methods if m != "HEAD"}
    table = {(m, re.sub(r"\{(record|refusal)\}", "{record_id}", p)) for m, p, _ in ROUTES}
    table = {(m, p.replace("{task}", "{task_id}").replace("{draw}", "{draw_id}").replace("{device}", "{device_id}")
              .replace("{user}", "{user_id}").replace("{file}", "{file_id}").replace("{photo}", "{sha256}")
              .replace("{code}", "{code_id}")
              .replace("sampling_form.pdf", "{name}.pdf")) for m, p in table}
    from tests.lab.routes import route_keys                  # the lab's pages: tests/lab/test_roles.py
    assert found - PUBLIC == table | route_keys()


@pytest.mark.parametrize("method,path,scoped", ROUTES)
def test_without_a_session_every_route_sends_to_sign_in(console_server, objects, method, path, scoped):
    with console_server.client() as c:
        r = c.request(method, _url(path, objects), data=_post_data(path, "x") if method == "POST" else None)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/signin")


@pytest.mark.parametrize("username", ["demo", "lab"])
def test_sampler_and_lab_get_403_on_every_route(console_server, objects, username):
    with console_server.signed_in(username) as c:
        csrf = csrf_of(c.get("/console/dashboard").text)      # the 403 page still carries the sign-out form
        for method, path, _ in ROUTES:
            r = c.request(method, _url(path, objects), data=_post_data(path, csrf) if method == "POST" else None)
            assert r.status_code == 403, (username, method, path)
            assert "无权访问" in r.text


def test_agency_admin_gets_404_on_another_agencys_objects(console_server, objects):
    with console_server.signed_in("agency") as c:
        csrf = csrf_of(c.get("/console/dashboard").text)
        for method, path, scoped in ROUTES:
            if not scoped:
                continue
            r = c.request(method, _url(path, objects), data=_post_data(path, csrf) if method == "POST" else None)
            assert r.status_code == 404, (method, path, r.status_code)
            assert "未找到" in r.text
        for query in (f"/console/devices?user={objects['user']}", f"/console/enrollment?user={objects['user']}"):
            assert c.get(query).status_code == 404
    db = console_server.db()
    with db.session() as s:                      # nothing of agency B was changed by the attempts
        assert s.get(Device, objects["device"]).revoked_at is None
        assert s.get(Task, objects["task"]).agency_id == B
        assert s.get(User, objects["user"]).active
        assert s.get(EnrollmentCode, objects["code"]).cancelled_at is None
    db.close()
    with console_server.signed_in("agency2") as c:       # ... while their own admin sees them
        for method, path, scoped in ROUTES:
            if scoped and method == "GET" and "revoke" not in path:
                assert c.get(_url(path, objects)).status_code == 200, path


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_forms_without_the_sessions_csrf_token_are_refused(console_server, objects, csrf):
    with console_server.signed_in("province") as c:
        for method, path, _ in ROUTES:
            if method != "POST":
                continue
            r = c.post(_url(path, objects), data=_post_data(path, csrf))
            assert r.status_code == 403, (path, r.status_code)
            assert "表单已失效" in r.text
    db = console_server.db()
    with db.session() as s:
        assert s.get(Device, objects["device"]).revoked_at is None
        assert s.get(User, objects["user"]).active
        assert s.get(Task, objects["task"]).status != "cancelled"
        assert s.get(EnrollmentCode, objects["code"]).cancelled_at is None
    db.close()


def test_a_party_name_with_script_and_quotes_is_escaped_everywhere(console_server):
    raw = '"<script>alert(1)</script>"'
    with console_server.signed_in("province") as c:
        db = console_server.db()
        with db.session() as s:
            rec = s.scalar(select(Record).where(Record.party_name.contains("<script>")))
            party_id = rec.party_id
        db.close()
        csrf = csrf_of(c.get("/console/tasks").text)
        r = c.post("/console/tasks", data={"csrf": csrf, "plan_item_id": "2022-4-5", "party_id": party_id,
                                           "team_id": "team-demo-b"})
        assert r.status_code == 303
        pages = ["/console/records?q=script", f"/console/records/{rec.id}", "/console/tasks?q=script",
                 "/console/parties?q=script", f"/console/records?party={party_id}", "/console/audit",
                 "/console/followups", f"/console/tasks?q={party_id}"]
        for page in pages:
            html = c.get(page).text
            assert raw not in html and "<script>alert" not in html, page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
            assert "&#34;&lt;script&gt;" in html or "\\u0022" in html or "&#34;" in html, page


def test_idle_session_ends_and_signing_out_ends_it(console_server):
    with console_server.signed_in("agency") as c:
        assert c.get("/console/dashboard").status_code == 200
        db = console_server.db()
        with db.session() as s:
            for d in s.scalars(select(Device).where(Device.kind == "console", Device.revoked_at.is_(None))):
                d.last_seen_at = utcnow() - timedelta(minutes=31)
        db.close()
        r = c.get("/console/dashboard")
        assert r.status_code == 303 and "expired=1" in r.headers["location"]
        assert "长时间未操作" in c.get(r.headers["location"]).text
    with console_server.signed_in("agency") as c:
        csrf = csrf_of(c.get("/console/dashboard").text)
        assert c.post("/console/signout", data={"csrf": csrf}).status_code == 303
        assert c.get("/console/dashboard").status_code == 303


def test_session_cookie_flags_and_the_failed_sign_in_limit(console_server):
    with console_server.client() as c:
        page = c.get("/console/signin")
        r = c.post("/console/signin", data={"username": "agency", "password": console_server.password,
                                            "csrf": csrf_of(page.text)}, headers={"X-Forwarded-Proto": "https"})
        cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("fs_console="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    with console_server.client() as c:
        page = c.get("/console/signin")
        r = c.post("/console/signin", data={"username": "agency", "password": console_server.password,
                                            "csrf": csrf_of(page.text)})
        cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("fs_console="))
        assert "Secure" not in cookie                       # plain HTTP on loopback
        page = c.get("/console/signin")
        assert c.post("/console/signin", data={"username": "agency", "password": "x"}).status_code == 403  # no CSRF
    with console_server.client() as c:
        codes = []
        for _ in range(6):
            page = c.get("/console/signin")
            codes.append(c.post("/console/signin", data={"username": "agency2", "password": "wrong",
                                                          "csrf": csrf_of(page.text)}).status_code)
        assert codes[:5] == [401] * 5 and codes[5] == 429
        page = c.get("/console/signin")
        r = c.post("/console/signin", data={"username": "agency2", "password": console_server.password,
                                            "csrf": csrf_of(page.text)})
        assert r.status_code == 429 and "登录尝试过多" in r.text       # the same limit as the API
    db = console_server.db()
    with db.session() as s:          # agency2 is held from this address: let the next tests sign in
        s.execute(delete(LoginCounter))
    db.close()


def test_sign_in_is_audited_and_shown(console_server):
    with console_server.signed_in("province") as c:
        html = c.get("/console/audit?action=auth.login").text
        assert 'data-action="auth.login"' in html and "province" in html


def test_disabling_a_user_cuts_off_their_laptop_and_a_reset_password_works(console_server):
    import base64

    import httpx
    with httpx.Client(base_url=console_server.url, timeout=30) as api:
        r = api.post("/v1/auth/enroll", json={"username": "sampler6", "password": console_server.password,
                                              "device_name": "杨帆的笔记本2", "public_key": base64.b64encode(b"s" * 32).decode()})
        assert r.status_code == 201, r.text
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        assert api.get("/v1/pull", headers=headers).status_code == 200
        db = console_server.db()
        with db.session() as s:
            uid = s.scalar(select(User.id).where(User.username == "sampler6"))
        db.close()
        with console_server.signed_in("agency2") as c:      # their own agency's admin
            csrf = csrf_of(c.get("/console/people").text)
            r = c.post(f"/console/people/users/{uid}/active", data={"csrf": csrf, "active": "0"})
            assert r.status_code == 303
            refused = api.get("/v1/pull", headers=headers)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "auth.user_inactive"
            assert c.post(f"/console/people/users/{uid}/active", data={"csrf": csrf, "active": "1"}).status_code == 303
            assert api.get("/v1/pull", headers=headers).status_code == 200
            page = c.post(f"/console/people/users/{uid}/password", data={"csrf": csrf}).text
            new = re.search(r"sampler6 的新密码：(\S+?)（", page).group(1)
        assert new != console_server.password
        assert api.post("/v1/auth/enroll", json={"username": "sampler6", "password": console_server.password,
                                                 "device_name": "x", "public_key": base64.b64encode(b"t" * 32).decode()}
                        ).status_code == 401
        assert api.post("/v1/auth/enroll", json={"username": "sampler6", "password": new, "device_name": "x",
                                                 "public_key": base64.b64encode(b"t" * 32).decode()}).status_code == 201
    with console_server.signed_in("province") as c:
        html = c.get("/console/audit").text
        for action in ("user.disable", "user.enable", "user.password"):
            assert f'data-action="{action}"' in html
        assert new not in html                                  # the password itself is never logged
