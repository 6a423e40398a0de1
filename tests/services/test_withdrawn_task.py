"""A task the server gave to another team (改派), in the services of the
former team's laptop: it is flagged withdrawn (not dressed as a
cancellation), no new visit starts on it and the refusal says why in
Chinese and English; a visit already under way is finished as usual; a task
finished here stays done; a task moved back is the team's again."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.domain.entities import TaskStatus
from app.domain.messages import RuleViolation
from app.domain.visit import EvidenceCategory as C, SignerRole, VisitStatus
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.services.reference import import_master_data, list_tasks
from app.store import master_repo
from sync.client.pull import apply_pull
from sync.protocol.schemas import PullResponse, TaskWithdrawal
from tests.conftest import make_task, signature_png
from tests.scenarios import PETROL_FIELDS, SAMPLE_FIELDS, complete_visit

NOW = datetime(2022, 11, 14, 3, 0, tzinfo=timezone.utc)
REFUSAL_ZH = "该任务已改派给其他抽样组（原因：改由二组抽样），不能再开始抽样"
REFUSAL_EN = ("This task has been reassigned to another sampling team (reason: 改由二组抽样); "
              "a new visit cannot be started on it")


def withdraw(ws, task_id: str, reason: str = "改由二组抽样") -> None:
    """What a pull from the server brings, applied by the desktop store's sink."""
    payload = PullResponse(cursor="1.9.abcd", full=False, server_time=NOW,
                           withdrawn=[TaskWithdrawal(task_id=task_id, reason=reason, at=NOW)])
    with ws.db.session() as s:
        apply_pull(s, payload)


def summary(ws, task_id: str):
    return next(t for t in list_tasks(ws) if t.id == task_id)


def refusal(ws, task_id: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as e:
        visits.start_visit(ws, task_id)
    return e.value


def finish_started(ws, visit_id: str, make_jpeg):
    """The rest of tests.scenarios.complete_visit, on a visit already started."""
    steps.record_shown_documents(ws, visit_id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    for step in (Step.PARTY, Step.EVIDENCE):
        assert visits.advance(ws, visit_id) == step
    for cat in visits.state(ws, visit_id).evidence_categories:
        evidence.add_evidence(ws, visit_id, cat, make_jpeg())
    assert visits.advance(ws, visit_id) == Step.SAMPLE
    steps.record_sample(ws, visit_id, **SAMPLE_FIELDS)
    steps.record_product_fields(ws, visit_id, **PETROL_FIELDS)
    evidence.add_evidence(ws, visit_id, C.SAMPLING, make_jpeg())
    assert visits.advance(ws, visit_id) == Step.PAY
    steps.pay(ws, visit_id)
    assert visits.advance(ws, visit_id) == Step.SEAL
    steps.seal_samples(ws, visit_id)
    evidence.add_evidence(ws, visit_id, C.SEALED, make_jpeg())
    assert visits.advance(ws, visit_id) == Step.SIGN
    for n, (ref, name) in enumerate([("s-zhang", "张伟"), ("s-li", "李娜")], start=1):
        signing.sign(ws, visit_id, role=SignerRole.SAMPLER, name=name, png=signature_png(n), signer_ref=ref)
    signing.sign(ws, visit_id, role=SignerRole.PARTY, name="钱经理", png=signature_png(3))
    assert visits.advance(ws, visit_id) == Step.DOCUMENTS
    return signing.finish(ws, visit_id)


def test_withdrawn_task_is_refused_as_reassigned_in_chinese_and_english(seeded):
    withdraw(seeded, "t-gas-3")
    t = summary(seeded, "t-gas-3")
    assert t.withdrawn and t.withdrawn_reason == "改由二组抽样" and t.closed
    assert t.cancel_reason == ""                 # not dressed up as the province's cancellation
    e = refusal(seeded, "t-gas-3")
    assert [p.code for p in e.problems] == ["task.withdrawn"]
    assert e.texts("zh_CN") == [REFUSAL_ZH] and e.texts("en") == [REFUSAL_EN]
    assert "省局取消" not in str(e)
    assert visits.unfinished_visits(seeded) == []
    # The other tasks are untouched.
    other = summary(seeded, "t-gas-1")
    assert not other.withdrawn and not other.closed and other.status == TaskStatus.ASSIGNED


def test_news_only_once(seeded):
    with seeded.db.session() as s:
        assert master_repo.withdraw_task(s, "t-gas-1", reason="x", at=NOW) is True
        assert master_repo.withdraw_task(s, "t-gas-1", reason="y", at=NOW) is False
        assert master_repo.withdraw_task(s, "t-unknown", reason="x", at=NOW) is False
        assert master_repo.withdrawal_reason(s, "t-gas-1") == "x"
        assert master_repo.withdrawal_reason(s, "t-gas-2") is None


def test_visit_under_way_on_a_withdrawn_task_is_finished(seeded, make_jpeg):
    v = visits.start_visit(seeded, "t-gas-1")
    withdraw(seeded, "t-gas-1")
    assert [u.id for u in visits.unfinished_visits(seeded)] == [v.id]
    assert visits.state(seeded, v.id).step == Step.ARRIVE          # still opens where it stopped
    done = finish_started(seeded, v.id, make_jpeg)
    assert done.status == VisitStatus.FINISHED and done.record_hash
    t = summary(seeded, "t-gas-1")
    assert t.withdrawn and t.status == TaskStatus.CANCELLED       # the finish does not reopen it
    assert refusal(seeded, "t-gas-1").texts("zh_CN") == [REFUSAL_ZH]


def test_task_finished_here_stays_done_but_takes_no_new_visit(seeded, make_jpeg):
    complete_visit(seeded, make_jpeg, signature_png, task_id="t-gas-1")
    withdraw(seeded, "t-gas-1")
    t = summary(seeded, "t-gas-1")
    assert t.status == TaskStatus.DONE and t.withdrawn
    assert refusal(seeded, "t-gas-1").texts("en") == [REFUSAL_EN]


def test_a_cancellation_still_reads_as_one(seeded):
    t = make_task()
    t.status, t.cancel_reason = TaskStatus.CANCELLED, "该站已停业"
    import_master_data(seeded, tasks=[t])
    s = summary(seeded, t.id)
    assert s.closed and not s.withdrawn and s.cancel_reason == "该站已停业"
    assert refusal(seeded, t.id).texts("zh_CN") == ["该任务已被省局取消：该站已停业"]


def test_task_moved_back_is_the_teams_again(seeded):
    withdraw(seeded, "t-gas-2")
    import_master_data(seeded, tasks=[make_task("t-gas-2", ("2022-4-10",))])   # the server sends it again
    t = summary(seeded, "t-gas-2")
    assert not t.withdrawn and t.status == TaskStatus.ASSIGNED and not t.closed
    assert visits.start_visit(seeded, "t-gas-2").task_id == "t-gas-2"


def test_task_moved_back_while_its_visit_is_under_way_shows_under_way(seeded):
    v = visits.start_visit(seeded, "t-gas-2")
    withdraw(seeded, "t-gas-2")
    import_master_data(seeded, tasks=[make_task("t-gas-2", ("2022-4-10",))])   # moved back to this team
    t = summary(seeded, "t-gas-2")
    assert t.status == TaskStatus.IN_PROGRESS and not t.withdrawn and not t.closed
    assert visits.load(seeded, v.id).status == VisitStatus.IN_PROGRESS
