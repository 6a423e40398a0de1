"""One-time enrollment codes on the console, over HTTP against the demo
server: an agency admin makes a code for its sampler (shown once, stored
only as a hash, audited) that then enrolls a laptop exactly once; another
agency's sampler is a 404; bad input says why and keeps what was entered;
the province reaches every agency, a new code cancels the old one, and a
code can be cancelled after a confirmation; the list shows each code's
state but never the code."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from app.domain.times import CHINA
from sync.protocol.enrollment import normalize_code
from sync.server.audit.models import AuditEntry
from sync.server.auth.models import User
from sync.server.db import utcnow
from sync.server.enrollment.models import EnrollmentCode
from tests.console.conftest import csrf_of
from tests.sync.world import public_key

CODE = re.compile(r'<span class="enroll-code" id="code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</span>')


def _user_id(console_server, username: str) -> str:
    db = console_server.db()
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
    db.close()
    return uid


def _codes(console_server, username: str) -> list[EnrollmentCode]:
    db = console_server.db()
    with db.session() as s:
        rows = list(s.scalars(select(EnrollmentCode).join(User, User.id == EnrollmentCode.user_id)
                              .where(User.username == username).order_by(EnrollmentCode.created_at)))
    db.close()
    return rows


def _audit(console_server, action: str, target: str) -> list[AuditEntry]:
    db = console_server.db()
    with db.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.target == target)))
    db.close()
    return rows


def _redeem(console_server, code: str, username: str):
    with console_server.client() as c:
        return c.post("/v1/auth/enroll-code", json={"code": code, "username": username,
                                                    "password": console_server.password,
                                                    "device_name": "新电脑", "public_key": public_key()})


def _row(html: str, code_id: str) -> str:
    m = re.search(rf'<tr data-code="{code_id}".*?</tr>', html, re.S)
    assert m, code_id
    return m.group(0)


def test_an_agency_admin_makes_a_code_shown_once_that_enrolls_one_laptop(console_server):
    sampler2 = _user_id(console_server, "sampler2")
    with console_server.signed_in("agency") as c:
        people = c.get("/console/people").text
        assert f'href="/console/enrollment?user={sampler2}"' in people       # from the sampler's row
        form = c.get(f"/console/enrollment?user={sampler2}").text
        assert f'<option value="{sampler2}" selected>' in form and 'value="72"' in form    # 72 h by default
        r = c.post("/console/enrollment", data={"csrf": csrf_of(form), "user": sampler2, "hours": "24"})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        code = CODE.search(r.text).group(1)
        assert "登记码只显示这一次" in r.text and "李明（sampler2）" in r.text
        assert f'id="server">{console_server.url}<' in r.text
        assert "<svg" in r.text and 'class="qr"' in r.text
        [row] = _codes(console_server, "sampler2")
        assert f'id="expires">{row.expires_at.astimezone(CHINA):%Y-%m-%d %H:%M} （北京时间）' in r.text
        assert row.expires_at - row.created_at == timedelta(hours=24) and row.created_by == "agency"
        assert row.code_sha256 == hashlib.sha256(normalize_code(code).encode()).hexdigest()   # only its hash
        assert [a.actor for a in _audit(console_server, "enroll_code.create", "sampler2")] == ["agency"]

        listing = c.get("/console/enrollment").text
        assert code not in listing and normalize_code(code) not in listing        # never shown again
        active = _row(listing, row.id)
        assert 'data-state="active"' in active and "有效" in active
        assert f"/console/enrollment/{row.id}/cancel" in active

        enrolled = _redeem(console_server, code, "sampler2")
        assert enrolled.status_code == 201, enrolled.text
        used = _row(c.get("/console/enrollment").text, row.id)
        assert 'data-state="used"' in used and enrolled.json()["device_id"] in used and "/cancel" not in used
    again = _redeem(console_server, code, "sampler2")
    assert again.status_code == 422 and again.json()["error"]["code"] == "enroll.code_used"


def test_another_agencys_sampler_is_404_and_bad_input_says_why_keeping_it(console_server):
    sampler6, sampler3 = _user_id(console_server, "sampler6"), _user_id(console_server, "sampler3")   # agency 2, own
    admin = _user_id(console_server, "agency")
    with console_server.signed_in("agency") as c:
        page = c.get("/console/enrollment").text
        csrf = csrf_of(page)
        assert sampler3 in page and sampler6 not in page          # only its agency's samplers to choose from
        r = c.post("/console/enrollment", data={"csrf": csrf, "user": sampler6, "hours": "72"})
        assert r.status_code == 404 and "未找到" in r.text
        assert c.get(f"/console/enrollment?user={sampler6}").status_code == 404
        r = c.post("/console/enrollment", data={"csrf": csrf, "user": admin, "hours": "72"})
        assert r.status_code == 422 and "agency 不是抽样人员" in r.text
        for hours in ("0", "721", "abc"):
            r = c.post("/console/enrollment", data={"csrf": csrf, "user": sampler3, "hours": hours})
            assert r.status_code == 422 and "有效期应为1至720小时" in r.text, hours
            assert f'value="{hours}"' in r.text and f'<option value="{sampler3}" selected>' in r.text   # kept
        r = c.post("/console/enrollment", data={"csrf": csrf, "user": "", "hours": "72"})
        assert r.status_code == 422 and "请选择抽样人员" in r.text
        c.cookies.set("fs_lang", "en", path="/console")
        r = c.post("/console/enrollment", data={"csrf": csrf, "user": sampler3, "hours": "721"})
        assert r.status_code == 422 and "The validity must be 1 to 720 hours" in r.text
        assert "Enrollment codes" in r.text and "Make an enrollment code" in r.text
    assert _codes(console_server, "sampler6") == [] and _codes(console_server, "sampler3") == []
    assert _codes(console_server, "agency") == []


def test_the_province_makes_codes_for_any_agency_a_new_one_cancels_the_old_and_cancel_confirms(console_server):
    sampler7 = _user_id(console_server, "sampler7")            # agency 2
    with console_server.signed_in("province") as c:
        csrf = csrf_of(c.get("/console/enrollment").text)
        first = CODE.search(c.post("/console/enrollment", data={"csrf": csrf, "user": sampler7,
                                                                "hours": "72"}).text).group(1)
        second = CODE.search(c.post("/console/enrollment", data={"csrf": csrf, "user": sampler7,
                                                                 "hours": "720"}).text).group(1)
        old, new = _codes(console_server, "sampler7")
        assert old.cancelled_at is not None and new.expires_at - new.created_at == timedelta(hours=720)
        listing = c.get(f"/console/enrollment?user={sampler7}").text
        assert 'data-state="cancelled"' in _row(listing, old.id) and "已作废" in _row(listing, old.id)
        assert _redeem(console_server, first, "sampler7").json()["error"]["code"] == "enroll.code_cancelled"

        confirm = c.get(f"/console/enrollment/{new.id}/cancel").text
        assert "确认作废 郭静（sampler7） 的登记码" in confirm and 'id="confirm-cancel"' in confirm
        r = c.post(f"/console/enrollment/{new.id}/cancel", data={"csrf": csrf})
        assert r.status_code == 303 and "已作废 sampler7 的登记码" in c.get(r.headers["location"]).text
        assert [a.actor for a in _audit(console_server, "enroll_code.cancel", "sampler7")] == ["province"]
        assert _redeem(console_server, second, "sampler7").json()["error"]["code"] == "enroll.code_cancelled"
        r = c.post(f"/console/enrollment/{new.id}/cancel", data={"csrf": csrf})     # once is enough
        assert "已不可用" in c.get(r.headers["location"]).text
        assert len(_audit(console_server, "enroll_code.cancel", "sampler7")) == 1
        assert 'id="confirm-cancel"' not in c.get(f"/console/enrollment/{new.id}/cancel").text
    with console_server.signed_in("agency") as c:                # agency 1 neither sees nor cancels them
        assert new.id not in c.get("/console/enrollment").text
        assert c.get(f"/console/enrollment/{new.id}/cancel").status_code == 404
    with console_server.signed_in("agency2") as c:               # their own admin does
        assert new.id in c.get("/console/enrollment").text


def test_an_expired_code_is_listed_as_expired_without_cancel_in_either_language(console_server):
    sampler4 = _user_id(console_server, "sampler4")
    with console_server.signed_in("agency") as c:
        c.post("/console/enrollment", data={"csrf": csrf_of(c.get("/console/enrollment").text),
                                            "user": sampler4, "hours": "1"})
        [row] = _codes(console_server, "sampler4")
        db = console_server.db()
        with db.session() as s:
            s.get(EnrollmentCode, row.id).expires_at = utcnow() - timedelta(minutes=5)
        db.close()
        expired = _row(c.get("/console/enrollment").text, row.id)
        assert 'data-state="expired"' in expired and "已过期" in expired and "/cancel" not in expired
        c.cookies.set("fs_lang", "en", path="/console")
        expired = _row(c.get("/console/enrollment").text, row.id)
        assert ">expired<" in expired and "陈志刚（sampler4）" not in expired and "陈志刚 (sampler4)" in expired


def test_the_code_list_pages_by_fifty_within_the_callers_reach_and_a_bad_page_says_so(console_server):
    from sync.server.enrollment import service
    db = console_server.db()
    with db.session() as s:
        for _ in range(60):                        # as the CLI makes them; each cancels the one before
            service.create_code(session=s, username="sampler3", actor="cli")
    with db.session() as s:
        agency_of = {u.username: u.agency_id for u in s.scalars(select(User))}
        by_agency = {}
        for row in s.scalars(select(EnrollmentCode)):
            owner = s.get(User, row.user_id)
            by_agency[owner.agency_id] = by_agency.get(owner.agency_id, 0) + 1
    db.close()
    ids = lambda html: re.findall(r'<tr data-code="([^"]+)"', html)   # noqa: E731
    with console_server.signed_in("province") as c:
        first, second = c.get("/console/enrollment").text, c.get("/console/enrollment?page=2").text
        total = sum(by_agency.values())
        assert f"共 {total} 条" in first and len(ids(first)) == 50 and 'id="codes-pager"' in first
        assert "下一页" in first and "上一页" not in first and "上一页" in second
        assert len(ids(second)) == total - 50 and not set(ids(first)) & set(ids(second))
        # newest first across the pages: the one live code of sampler3 leads page 1
        assert 'data-state="active"' in _row(first, ids(first)[0])
        bad = c.get("/console/enrollment?page=abc")
        assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]
        assert "地址参数有误" in bad.text and "请从菜单重新打开此页面" in bad.text
        c.cookies.set("fs_lang", "en", path="/console")
        assert "Invalid address" in c.get("/console/audit?page=x").text
    with console_server.signed_in("agency2") as c:             # another agency: none of sampler3's codes
        page = c.get("/console/enrollment").text
        mine = by_agency.get(agency_of["agency2"], 0)
        assert len(ids(page)) == min(mine, 50) and ("codes-pager" in page) == (mine > 50)
    with console_server.client() as c:                          # the API keeps its JSON problems
        r = c.get("/v1/enrollment-codes", params={"username": "x"}, headers={"Authorization": "Bearer nope"})
        assert r.headers["content-type"].startswith("application/json")
