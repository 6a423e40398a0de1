"""Enrollment codes over HTTP (SQLite and PostgreSQL): made by an admin,
redeemed once by a sampler's laptop with the sampler's password, expiring,
stored hashed; every refusal leaves no device behind."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from sync.protocol.enrollment import format_code, normalize_code, parse_qr
from sync.server.audit.models import AuditEntry
from sync.server.db import utcnow
from sync.server.devices.models import Device
from sync.server.enrollment.models import EnrollmentCode
from tests.sync.world import PASSWORD, public_key


def _make(live, admin: str, username: str, **kw):
    with live.client(admin) as c:
        return c.post("/v1/enrollment-codes", json={"username": username, **kw})


def _redeem(live, code: str, username: str = "s_a1", password: str = PASSWORD, **kw):
    with live.client() as c:
        return c.post("/v1/auth/enroll-code", json={"code": code, "username": username, "password": password,
                                                    "device_name": "laptop-7", "public_key": public_key(), **kw})


def _devices(live) -> int:
    with live.db.session() as s:
        return s.scalar(select(func.count()).select_from(Device).where(Device.kind == "device"))


def test_a_code_enrolls_one_laptop_once_and_is_stored_hashed(live):
    r = _make(live, "adm_a", "s_a1", hours=2)
    assert r.status_code == 201, r.text
    issued = r.json()
    code = issued["code"]
    assert len(code) == 14 and code.count("-") == 2
    qr = parse_qr(issued["qr_text"])
    assert qr == {"server": live.url, "code": code, "user": "s_a1"}
    assert issued["enrollment"]["state"] == "active"
    with live.db.session() as s:
        row = s.scalar(select(EnrollmentCode))
        assert row.code_sha256 == hashlib.sha256(normalize_code(code).encode()).hexdigest()
        stored = " ".join(str(v) for v in s.execute(select(EnrollmentCode.__table__)).one())
        assert normalize_code(code) not in stored and code not in stored

    before = _devices(live)
    # typed loosely: lower case, spaces instead of dashes, O for 0 and I for 1
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "i")
    r = _redeem(live, typed)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    with live.client(token=token) as c:
        assert c.get("/v1/me").json()["user"]["username"] == "s_a1"
    assert _devices(live) == before + 1

    again = _redeem(live, code)
    assert again.status_code == 422 and again.json()["error"]["code"] == "enroll.code_used"
    assert "只能用一次" in again.json()["error"]["zh"]
    assert _devices(live) == before + 1
    with live.client("adm_a") as c:
        listed = c.get("/v1/enrollment-codes", params={"username": "s_a1"}).json()["codes"]
    assert listed[0]["state"] == "used" and listed[0]["device_id"] == r.json()["device_id"]
    assert "code" not in listed[0]


def test_refusals_leave_no_device_behind(live):
    code = _make(live, "prov", "s_a1").json()["code"]
    before = _devices(live)
    cases = [  # (code, username, password) -> error code
        (code, "s_a1", "wrong password", "auth.invalid"),
        ("ZZZZ-ZZZZ-ZZZZ", "s_a1", PASSWORD, "enroll.code_invalid"),
        ("not a code", "s_a1", PASSWORD, "enroll.code_invalid"),
        (code, "s_a1b", PASSWORD, "enroll.code_invalid"),       # another sampler's code
    ]
    for c, user, pw, expected in cases:
        r = _redeem(live, c, user, pw)
        assert r.json()["error"]["code"] == expected, (c, user, r.text)
        assert r.json()["error"]["zh"] and r.json()["error"]["en"]
    assert _devices(live) == before
    # the code is still good after all that
    assert _redeem(live, code).status_code == 201


def test_expired_and_superseded_codes_are_refused(live):
    old = _make(live, "adm_a", "s_a1b").json()
    new = _make(live, "adm_a", "s_a1b").json()
    r = _redeem(live, old["code"], "s_a1b")
    assert r.json()["error"]["code"] == "enroll.code_cancelled"
    with live.db.session() as s:
        row = s.get(EnrollmentCode, new["enrollment"]["id"])
        row.expires_at = utcnow() - timedelta(minutes=1)
    r = _redeem(live, new["code"], "s_a1b")
    assert r.status_code == 422 and r.json()["error"]["code"] == "enroll.code_expired"
    assert "过期" in r.json()["error"]["zh"] and "expired" in r.json()["error"]["en"]


def test_who_may_make_codes(live):
    assert _make(live, "adm_b", "s_a1").status_code == 404        # another agency's sampler
    assert _make(live, "s_a1", "s_a1").status_code == 403          # samplers cannot
    assert _make(live, "lab_a", "s_a1").status_code == 403
    r = _make(live, "prov", "adm_a")
    assert r.status_code == 422 and r.json()["error"]["code"] == "enroll.not_sampler"
    bad = _make(live, "prov", "s_a1", hours=0)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "hours"
    code_id = _make(live, "adm_a", "s_a2").json()["enrollment"]["id"]
    with live.client("adm_b") as c:
        assert c.get("/v1/enrollment-codes").json()["codes"] == []
        assert c.post(f"/v1/enrollment-codes/{code_id}/cancel").status_code == 404
    with live.client("adm_a") as c:
        r = c.post(f"/v1/enrollment-codes/{code_id}/cancel")
        assert r.json()["codes"][0]["state"] == "cancelled"
    with live.db.session() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"enroll_code.create", "enroll_code.cancel"} <= actions


def test_wrong_codes_count_towards_the_sign_in_limit(live):
    for _ in range(5):
        assert _redeem(live, "ZZZZ-ZZZZ-ZZZZ").json()["error"]["code"] == "enroll.code_invalid"
    r = _redeem(live, "ZZZZ-ZZZZ-ZZZZ")
    assert r.status_code == 429 and r.json()["error"]["code"] == "auth.rate_limited"


def test_code_format_helpers():
    assert normalize_code(" abcd-efgh-jkmo ") == "ABCDEFGHJKM0"
    assert format_code("ABCDEFGHJKM0") == "ABCD-EFGH-JKM0"
    assert parse_qr("https://example.org") is None
    assert parse_qr("fs-enroll:?server=http%3A%2F%2Fh%3A1&code=AAAA-BBBB-CCCC&user=%E5%BC%A0")["user"] == "张"


def test_behind_a_proxy_the_qr_names_the_public_address_given_to_serve(request, tmp_path):
    """The admin may reach the console on an internal address; the laptops
    must be sent to the one they can reach (`serve --public-url`)."""
    from sync.server.app import create_app
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.runner import start_in_thread
    from tests.sync.conftest import Live, make_database
    url, world = make_database("sqlite", request, tmp_path)
    settings = settings_for(tmp_path / "server-data", url, public_url="https://cj.example.gov.cn")
    db = Database(url)
    running = start_in_thread(create_app(settings, db))
    try:
        live = Live(running.url, db, world, settings.data_dir, running, "sqlite")
        r = _make(live, "adm_a", "s_a1", hours=2)
        assert r.status_code == 201, r.text
        assert parse_qr(r.json()["qr_text"])["server"] == "https://cj.example.gov.cn"
    finally:
        running.stop()
        db.close()


def test_serve_refuses_a_public_address_that_is_not_one(tmp_path, capsys):
    from sync.server.cli import main
    assert main(["serve", "--public-url", "cj.example.gov.cn", "--data", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "--public-url" in err and "https://" in err
