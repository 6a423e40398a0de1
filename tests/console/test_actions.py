"""The console's changes over HTTP, as an admin makes them: assign,
reassign (改派) and cancel a task; add an agency, a team and a user; update
a refusal's state and attach a file. Each lands in the audit log with what
it was before and after."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from sync.server.audit.models import AuditEntry
from sync.server.auth.models import Agency, Team, User
from sync.server.followups.models import FollowUp
from sync.server.parties.models import Party
from sync.server.records.models import Record
from sync.server.tasks.models import Task, TaskMove
from tests.console.conftest import csrf_of


def _audit(console_server, action: str, target: str) -> AuditEntry:
    db = console_server.db()
    with db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.target == target)
                         .order_by(AuditEntry.id.desc()).limit(1))
    db.close()
    assert entry is not None, (action, target)
    return entry


def test_assign_reassign_and_cancel_a_task(console_server):
    db = console_server.db()
    with db.session() as s:
        party = s.scalar(select(Party).where(Party.scope == "seller", ~Party.name.contains("script")).limit(1))
    db.close()
    with console_server.signed_in("agency") as c:
        csrf = csrf_of(c.get("/console/tasks").text)
        r = c.post("/console/tasks", data={"csrf": csrf, "plan_item_id": "2022-4-20", "party_id": party.id,
                                           "team_id": "team-demo-b", "due_date": "2022-12-01"})
        assert r.status_code == 303
        task_id = re.search(r"q=(t-[0-9a-f]+)", r.headers["location"]).group(1)
        page = c.get(r.headers["location"]).text
        assert f"已派发任务 {task_id}" in page and party.name in page
        notice_no = re.search(r'class="notice-no"[^>]*>([^<]+)<', page).group(1)
        assert re.fullmatch(r"晋市监抽〔2022〕4-\d{4}号", notice_no)
        found = c.get("/console/tasks", params={"q": notice_no}).text       # the number on a party's notice finds it
        assert "受检单位名称、任务编号或通知书编号" in found                   # and the search box says so
        assert found.count('data-task="') == 1 and f'data-task="{task_id}"' in found
        # an agency admin cannot give the task to another agency's team: that team is not there for them
        assert c.post(f"/console/tasks/{task_id}/reassign", data={"csrf": csrf, "team_id": "team-demo-2",
                                                                  "reason": "x"}).status_code == 404
        r = c.post(f"/console/tasks/{task_id}/reassign", data={"csrf": csrf, "team_id": "team-demo", "reason": ""})
        assert "改派须说明原因" in c.get(r.headers["location"]).text          # refused, with the reason why
        r = c.post(f"/console/tasks/{task_id}/reassign", data={"csrf": csrf, "team_id": "team-demo",
                                                               "reason": "第二组人员外出"})
        assert "已改派" in c.get(r.headers["location"]).text
        r = c.post(f"/console/tasks/{task_id}/cancel", data={"csrf": csrf, "reason": "企业已注销"})
        page = c.get(r.headers["location"]).text
        assert "已取消" in page and "企业已注销" in page and "第二组人员外出" in page
    db = console_server.db()
    with db.session() as s:
        task = s.get(Task, task_id)
        assert (task.team_id, task.status, task.cancel_reason) == ("team-demo", "cancelled", "企业已注销")
        assert s.scalar(select(TaskMove.reason).where(TaskMove.task_id == task_id)) == "第二组人员外出"
    db.close()
    moved = _audit(console_server, "task.reassign", task_id)
    assert moved.actor == "agency" and moved.before["team"] == "team-demo-b" and moved.after["team"] == "team-demo"
    cancelled = _audit(console_server, "task.cancel", task_id)
    assert cancelled.before == {"status": "assigned"} and cancelled.after["status"] == "cancelled"
    assert _audit(console_server, "task.assign", task_id).after["party"] == party.id


def test_add_an_agency_a_team_and_a_user(console_server):
    with console_server.signed_in("province") as c:
        csrf = csrf_of(c.get("/console/people").text)
        assert c.post("/console/people/agencies", data={"csrf": csrf, "id": "agency-3", "name": "运城市检验所（测试）",
                                                        "address": "运城市", "phone": "0359-1"}).status_code == 303
        assert c.post("/console/people/teams", data={"csrf": csrf, "id": "team-3", "name": "运城一组",
                                                     "agency_id": "agency-3"}).status_code == 303
        page = c.post("/console/people/users", data={"csrf": csrf, "username": "yc1", "name": "运城抽样员",
                                                     "role": "sampler", "agency_id": "agency-3", "team_id": "team-3",
                                                     "certificate_no": "晋抽证-3"}).text
        password = re.search(r"已添加用户 yc1，初始密码：(\S+?)（", page).group(1)
        bad = c.post("/console/people/users", data={"csrf": csrf, "username": "yc1", "name": "again",
                                                    "role": "sampler", "agency_id": "agency-3", "team_id": "team-3"})
        assert bad.status_code == 422 and "exists" in bad.text
    with console_server.signed_in("agency") as c:     # an agency admin may not make a provincial admin
        csrf = csrf_of(c.get("/console/people").text)
        assert c.post("/console/people/users", data={"csrf": csrf, "username": "boss", "name": "x",
                                                     "role": "provincial_admin"}).status_code == 403
        assert c.post("/console/people/agencies", data={"csrf": csrf, "id": "a9", "name": "x"}).status_code == 403
    db = console_server.db()
    with db.session() as s:
        assert s.get(Agency, "agency-3").name == "运城市检验所（测试）"
        assert s.get(Team, "team-3").agency_id == "agency-3"
        user = s.scalar(select(User).where(User.username == "yc1"))
        assert (user.role, user.agency_id, user.team_id) == ("sampler", "agency-3", "team-3")
        assert s.scalar(select(User).where(User.username == "boss")) is None
    db.close()
    assert len(password) == 14
    added = _audit(console_server, "user.add", "yc1")
    assert added.actor == "province" and added.after["team"] == "team-3" and password not in json.dumps(added.after)


def test_update_a_refusals_state_and_attach_a_file(console_server):
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).outerjoin(FollowUp, FollowUp.record_id == Record.id)
                       .where(Record.status == "refused", Record.agency_id == "agency-demo",
                              FollowUp.record_id.is_(None)).limit(1))
    db.close()
    with console_server.signed_in("agency") as c:
        csrf = csrf_of(c.get("/console/followups").text)
        r = c.post(f"/console/followups/{rec.id}", data={"csrf": csrf, "determination_done": "1",
                                                          "determined_on": "2022-11-3O"})
        assert "日期格式应为 YYYY-MM-DD" in c.get(r.headers["location"]).text
        r = c.post(f"/console/followups/{rec.id}", data={"csrf": csrf, "determination_done": "1",
                                                          "determined_on": "2022-11-30", "reported_to_province": "1",
                                                          "reported_on": "2022-12-01", "note": "县局共同认定，已报送"})
        page = c.get(r.headers["location"]).text
        assert f"已更新 {rec.record_no} 的处理状态" in page and "已完成 2022-11-30" in page
        r = c.post(f"/console/followups/{rec.id}/files", data={"csrf": csrf},
                   files={"file": ("共同认定书.pdf", b"%PDF-1.4 scanned determination", "application/pdf")})
        page = c.get(r.headers["location"]).text
        assert "共同认定书.pdf" in page
        link = re.search(rf'href="(/console/followups/{rec.id}/files/\d+)"', page).group(1)
        got = c.get(link)
        assert got.status_code == 200 and got.content == b"%PDF-1.4 scanned determination"
    entry = _audit(console_server, "followup.update", rec.record_no)
    assert entry.before is None and entry.after["reported_to_province"] is True
    assert entry.after["determined_on"] == "2022-11-30"
