"""未抽到样品 end to end: a laptop pulls its tasks from a real server on
loopback, the samplers find nothing to sample and end the visit with the
no-sample statement through the services, the record syncs with its photos,
the server closes the task and frees the plan item's slot, a replacement
party is drawn, and the laptop learns the task is closed."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.entities import TaskStatus
from app.domain.visit import EvidenceCategory as C
from app.domain.visit import SignerRole, VisitStatus
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.services.device_key import DeviceKey
from app.services.reference import load_task
from app.services.workspace import Workspace
from sync.client.engine import SyncEngine
from sync.client.enroll import enroll
from sync.server.audit.models import AuditEntry
from sync.server.plan import service as plans
from sync.server.records.models import Record
from sync.server.records.progress import progress
from sync.server.tasks import draw
from sync.server.tasks.models import Task
from tests.conftest import signature_png
from tests.sync import world as world_mod
from tests.sync.world import PASSWORD

DOWN = "2022-4-18"          # 羽绒服装 at a seller, assigned to team-a1 in the test world


def _row(live, item_id: str):
    with live.db.session() as s:
        return next(r for r in progress(session=s, plan_id="2022-4") if r.plan_item_id == item_id)


def _no_sample_visit(ws: Workspace, task_id: str, make_jpeg, samplers):
    v = visits.start_visit(ws, task_id)
    steps.record_shown_documents(ws, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(ws, v.id)
    visits.open_exit(ws, v.id, Step.NO_SAMPLE)
    steps.record_no_sample(ws, v.id, reason="deregistered", local_bureau="太原市小店区市场监督管理局",
                           description="门店已关闭，门口张贴注销公告；营业执照已于2022年10月注销。")
    evidence.add_evidence(ws, v.id, C.NO_SAMPLE, make_jpeg())
    for n, (ref, name) in enumerate(samplers[:2], start=1):
        signing.sign(ws, v.id, role=SignerRole.SAMPLER, name=name, png=signature_png(n), signer_ref=ref)
    signing.sign(ws, v.id, role=SignerRole.PARTY, name="原店长", png=signature_png(9))
    return signing.finish(ws, v.id)


def test_no_sample_record_syncs_closes_the_task_and_frees_its_slot(live, tmp_path, memory_keyring, make_jpeg):
    ws = Workspace(tmp_path / "laptop")
    key = DeviceKey.load_or_create()
    enroll(live.url, "s_a1", PASSWORD, key.public_key_bytes(), device_name="抽样笔记本")
    engine = SyncEngine(server_url=live.url, db=ws.db, photo_source=ws.evidence.path, signer=key)
    engine.run(push=False)
    task_id = live.world.tasks["a1_down"]
    task = load_task(ws, task_id)
    before = _row(live, DOWN)
    with live.db.session() as s:
        slots_before = plans.open_slots(session=s, plan_item_id=DOWN)
        replacement = world_mod.add_party(s, "shop2", "seller")    # another seller the draw can pick

    done = _no_sample_visit(ws, task_id, make_jpeg, [(m.id, m.name) for m in task.team])
    assert done.status == VisitStatus.NO_SAMPLE
    report = engine.run()
    assert [i.status for i in report.items] == ["sent"] and report.complete

    with live.db.session() as s:
        rec = s.scalar(select(Record).where(Record.visit_id == done.id))
        assert rec.status == "no_sample" and rec.record_hash == done.record_hash
        assert s.get(Task, task_id).status == "no_sample"
        assert plans.open_slots(session=s, plan_item_id=DOWN) == slots_before + 1
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "task.no_sample"))
        assert entry.target == task_id and entry.detail["reason"] == "deregistered"
    after = _row(live, DOWN)
    assert (after.assigned, after.no_sample, after.sampled) == (before.assigned - 1, 1, before.sampled)

    # a replacement party is drawn for the freed slot; the closed one is not drawn again
    with live.db.session() as s:
        made = draw.draw(session=s, plan_item_id=DOWN, count=5, seed=12)
        drawn = {t.party_id for t in made}
    assert drawn == {replacement}                    # shop1 had none: not drawn again
    assert _row(live, DOWN).assigned == after.assigned + len(made)

    # the laptop learns the task is closed, and starts no visit on it
    engine.run()
    assert load_task(ws, task_id).status == TaskStatus.NO_SAMPLE
    ws.close()
