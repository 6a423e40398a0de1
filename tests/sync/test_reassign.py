"""改派: a task moved to another team, on SQLite and PostgreSQL with a real
server on loopback. The new team gets it; the former team's devices learn it
was withdrawn (incrementally and in a full refresh), keep what they hold,
and may still send what they signed on site."""
from __future__ import annotations

import zlib

import keyring
import pytest
from sqlalchemy import select

from app.store import master_repo
from sync.client import state
from sync.server.audit.models import AuditEntry
from sync.server.errors import ApiError
from sync.server.records.models import Record
from sync.server.tasks import service
from sync.server.tasks.models import Task
from tests.sync.device import Device
from tests.sync.world import PASSWORD

REASON = "王建国病假，改由二组抽样"


def _reassign(live, who: str, task_label: str, team: str, reason: str = REASON):
    with live.client(who) as c:
        return c.post(f"/v1/tasks/{live.world.tasks[task_label]}/reassign", json={"team_id": team, "reason": reason})


def _device(live, tmp_path, username: str) -> Device:
    """A laptop with its own token (several share one keyring entry per server here)."""
    dev = Device(tmp_path / username, live.url, seed=zlib.crc32(username.encode()))   # its own visit ids
    dev.enroll(username, PASSWORD)
    dev.token = keyring.get_password("field-sampler", f"sync-token:{live.url}")
    _sync(dev, push=False)
    return dev


def _sync(dev: Device, **kw):
    return dev.engine(token=dev.token).run(**kw)


def _store_task(dev: Device, task_id: str):
    with dev.store.session() as s:
        return master_repo.load_task(s, task_id)


def _withdrawn(dev: Device, task_id: str) -> str | None:
    with dev.store.session() as s:
        return master_repo.withdrawal_reason(s, task_id)


def test_reassign_by_service_then_both_teams_pull_it(live):
    task_id = live.world.tasks["a1_down"]
    with live.client("s_a1") as a, live.client("s_a2") as b:
        a_cursor, b_cursor = a.get("/v1/pull").json()["cursor"], b.get("/v1/pull").json()["cursor"]
        with live.db.session() as s:
            moved = service.reassign_task(session=s, task_id=task_id, team_id="team-a2", reason=REASON,
                                          actor="adm_a", agency_scope="agency-a")
            assert moved.team_id == "team-a2"
        old = a.get("/v1/pull", params={"cursor": a_cursor}).json()
        assert old["tasks"] == []
        assert [(w["task_id"], w["kind"], w["reason"]) for w in old["withdrawn"]] == [(task_id, "reassigned", REASON)]
        new = b.get("/v1/pull", params={"cursor": b_cursor}).json()
        assert [t["id"] for t in new["tasks"]] == [task_id] and new["withdrawn"] == []
        assert new["tasks"][0]["team_id"] == "team-a2" and [m["name"] for m in new["tasks"][0]["team"]] == ["s_a2"]
        # A full refresh (a device offline for days, a stale cursor) tells the former team too.
        full = a.get("/v1/pull").json()
        assert task_id not in {t["id"] for t in full["tasks"]}
        assert [w["task_id"] for w in full["withdrawn"]] == [task_id] and full["withdrawn"][0]["reason"] == REASON
        assert task_id in {t["id"] for t in b.get("/v1/pull").json()["tasks"]}
    with live.db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "task.reassign"))
        assert entry.actor == "adm_a" and entry.detail == {"from": "team-a1", "to": "team-a2", "reason": REASON}


def test_old_device_learns_incrementally_and_new_device_gets_the_task(live, tmp_path, memory_keyring):
    a, b = _device(live, tmp_path, "s_a1"), _device(live, tmp_path, "s_a2")
    task_id = live.world.tasks["a1_down"]
    assert _reassign(live, "adm_a", "a1_down", "team-a2").status_code == 200
    report = _sync(a, push=False)
    assert not report.pull.full
    assert [(r.task_id, r.reason) for r in report.pull.reassigned] == [(task_id, REASON)]
    assert report.pull.reassigned[0].party_name == "shop1（测试）"
    held = {t.id: withdrawn for t, withdrawn in a.tasks()}
    assert held[task_id] is True                                        # kept, marked, not deleted
    task = _store_task(a, task_id)
    assert task.status.value == "cancelled" and task.cancel_reason == "" and _withdrawn(a, task_id) == REASON
    # The next pull does not announce it again.
    assert _sync(a, push=False).pull.reassigned == []
    b_report = _sync(b, push=False)
    assert b_report.pull.tasks == 1 and _store_task(b, task_id).status.value == "assigned"
    assert {t.id for t, w in b.tasks() if not w} >= {task_id}


def test_stale_cursor_full_refresh_still_withdraws(live, tmp_path, memory_keyring):
    a = _device(live, tmp_path, "s_a1")
    task_id = live.world.tasks["a1_urea"]
    assert _reassign(live, "prov", "a1_urea", "team-a2", "计划调整").status_code == 200
    with a.store.session() as s:                # the cursor went stale (e.g. a restored server)
        state.put(s, "cursor", "1.999999.deadbeef")
    report = _sync(a, push=False)
    assert report.pull.refreshed_after_412 and report.pull.full
    assert [r.task_id for r in report.pull.reassigned] == [task_id]
    assert _withdrawn(a, task_id) == "计划调整"
    # A device enrolled after the move never held the task: nothing to tell it.
    fresh = _device(live, tmp_path / "new", "s_a1b")
    assert task_id not in {t.id for t, _ in fresh.tasks()} and _store_task(fresh, task_id) is None


def test_moved_back_task_is_the_teams_again(live, tmp_path, memory_keyring):
    a = _device(live, tmp_path, "s_a1")
    task_id = live.world.tasks["a1_down"]
    assert _reassign(live, "adm_a", "a1_down", "team-a2").status_code == 200
    _sync(a, push=False)
    assert _reassign(live, "adm_a", "a1_down", "team-a1", "王建国已康复").status_code == 200
    _sync(a, push=False)
    assert {t.id: w for t, w in a.tasks()}[task_id] is False
    assert _store_task(a, task_id).status.value == "assigned"
    with live.client("s_a1") as c:
        assert c.get("/v1/pull").json()["withdrawn"] == []


def test_record_signed_before_the_move_is_accepted_and_flagged(live, tmp_path, memory_keyring):
    a, b = _device(live, tmp_path, "s_a1"), _device(live, tmp_path, "s_a2")
    task = [t for t, _ in a.tasks() if t.id == live.world.tasks["a1_down"]][0]
    v, _ = a.finish_visit(task)                 # signed on site, the laptop offline
    assert _reassign(live, "adm_a", "a1_down", "team-a2").status_code == 200
    report = _sync(a)
    assert [r.task_id for r in report.pull.reassigned] == [task.id]
    assert [i.status for i in report.items] == ["sent"]               # evidence of a real visit: kept
    with live.db.session() as s:
        rec = s.scalar(select(Record).where(Record.visit_id == v.id))
        assert rec is not None and rec.record_hash == v.record_hash
        assert s.get(Task, task.id).status == "done"
        flag = s.scalar(select(AuditEntry).where(AuditEntry.action == "record.former_team"))
        assert flag.target == task.id and flag.detail["team"] == "team-a1" and flag.detail["task_team"] == "team-a2"
    # The new team learns the batch is taken: it need not go there again.
    _sync(b, push=False)
    assert _store_task(b, task.id).status.value == "done"


def test_former_team_record_after_the_new_team_sampled_is_set_aside(live, tmp_path, memory_keyring):
    a, b = _device(live, tmp_path, "s_a1"), _device(live, tmp_path, "s_a2")
    task = [t for t, _ in a.tasks() if t.id == live.world.tasks["a1_down"]][0]
    late, _ = a.finish_visit(task)
    assert _reassign(live, "adm_a", "a1_down", "team-a2").status_code == 200
    _sync(b, push=False)
    b_task = [t for t, _ in b.tasks() if t.id == task.id][0]
    b.finish_visit(b_task)
    assert [i.status for i in _sync(b).items] == ["sent"]
    report = _sync(a)
    assert [i.status for i in report.items] == ["quarantined"]        # one batch per product per party
    problem = report.items[0].problems[0]
    assert problem["code"] == "batch.same_product" and "羽绒服装" in problem["zh"]
    assert a.outbox()[0].canonical and a.outbox()[0].record_hash == late.record_hash   # kept on the device


def test_record_for_a_task_moved_to_another_agency_is_refused_with_the_reason(live, tmp_path, memory_keyring):
    a = _device(live, tmp_path, "s_a1")
    task = [t for t, _ in a.tasks() if t.id == live.world.tasks["a1_down"]][0]
    a.finish_visit(task)
    assert _reassign(live, "prov", "a1_down", "team-b1", "跨机构调整").status_code == 200
    report = _sync(a)
    problem = report.items[0].problems[0]
    assert report.items[0].status == "quarantined" and problem["code"] == "task.reassigned"
    assert problem["zh"] == "该任务已改派给其他抽样组：跨机构调整"
    assert problem["en"] == "This task was reassigned to another team: 跨机构调整"
    assert a.outbox()[0].canonical


def test_a_team_that_never_held_the_task_is_still_refused(live, tmp_path, memory_keyring):
    c = _device(live, tmp_path, "s_a2")       # team-a2 never had a1_petrol
    with live.client("s_a1") as s:
        task = next(t for t in s.get("/v1/pull").json()["tasks"] if t["id"] == live.world.tasks["a1_petrol"])
    assert _reassign(live, "adm_a", "a1_urea", "team-a2").status_code == 200
    from sync.client.convert import task as as_domain
    from sync.protocol.schemas import TaskOut
    c.finish_visit(as_domain(TaskOut.model_validate(task)))
    report = _sync(c)
    assert report.items[0].status == "quarantined" and report.items[0].problems[0]["code"] == "sync.task_not_yours"


@pytest.mark.parametrize("who, label, team, status, code", [
    ("adm_b", "a1_down", "team-b1", 404, "not_found"),      # an admin of another agency: not there for it
    ("adm_b", "a1_down", "team-a2", 404, "not_found"),
    ("adm_a", "a1_down", "team-b1", 404, "not_found"),      # own task, another agency's team
    ("s_a1", "a1_down", "team-a2", 403, "auth.forbidden"),      # a sampler
    ("lab_a", "a1_down", "team-a2", 403, "auth.forbidden"),
    ("adm_a", "a1_down", "team-zz", 404, "not_found"),
    ("adm_a", "a1_down", "team-a1", 409, "task.same_team"),
])
def test_who_may_reassign_what(live, who, label, team, status, code):
    r = _reassign(live, who, label, team)
    assert r.status_code == status and r.json()["error"]["code"] == code, r.text
    with live.db.session() as s:
        assert s.get(Task, live.world.tasks[label]).team_id == "team-a1"


def test_cancelled_or_done_task_cannot_be_reassigned(live):
    with live.client("adm_a") as c:
        c.post(f"/v1/tasks/{live.world.tasks['a1_urea']}/cancel", json={"reason": "企业已停业"})
    r = _reassign(live, "adm_a", "a1_urea", "team-a2")
    assert r.status_code == 409 and r.json()["error"]["code"] == "task.move_cancelled"
    assert "企业已停业" in r.json()["error"]["zh"]
    with live.db.session() as s:
        s.get(Task, live.world.tasks["a1_petrol"]).status = "done"
    with live.db.session() as s, pytest.raises(ApiError) as e:
        service.reassign_task(session=s, task_id=live.world.tasks["a1_petrol"], team_id="team-a2", reason="x")
    assert e.value.status == 409 and e.value.error.zh == "该任务已完成抽样，不能改派"
    with live.db.session() as s, pytest.raises(ApiError) as e:
        service.reassign_task(session=s, task_id=live.world.tasks["a1_down"], team_id="team-a2", reason="  ")
    assert e.value.error.code == "task.move_reason"
    empty = _reassign(live, "adm_a", "a1_down", "team-a2", "")
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "reason"
