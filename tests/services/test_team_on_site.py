"""A sampler not on the task's team joins on site: added, counted, signed,
frozen into the record and queued for the province with a hash the server
will recompute; refused with a clear reason when the input is bad."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.canonical import canonical_hash
from app.domain.messages import RuleViolation
from app.domain.record import record_hash
from app.domain.visit import SignerRole, TeamMember, VisitStatus
from app.domain.workflow import Step
from app.services import signing, steps, visits
from app.store.sync_models import OutboxItem
from tests.conftest import signature_png
from tests.scenarios import complete_visit


def _li_ill_zhao_joins(ws, v) -> None:
    steps.confirm_team(ws, v.id, [TeamMember("s-li", "李娜", "晋抽证2022-0042", present=False)])
    steps.add_sampler_on_site(ws, v.id, name=" 赵磊 ", certificate_no="  晋执法证2022-0105 ")


def test_visit_with_one_absent_and_one_added_on_site_is_finished_and_queued(seeded, make_jpeg):
    v = complete_visit(seeded, make_jpeg, signature_png, arrive=_li_ill_zhao_joins)
    assert v.status == VisitStatus.FINISHED
    zhao = v.team[-1]
    assert (zhao.name, zhao.certificate_no, zhao.present, zhao.added_on_site) == \
        ("赵磊", "晋执法证2022-0105", True, True)
    assert [m.name for m in v.present_team()] == ["张伟", "赵磊"]
    signed = {s.signer_ref: s.name for s in v.signatures if s.role == SignerRole.SAMPLER}
    assert signed == {"s-zhang": "张伟", zhao.sampler_id: "赵磊"}
    again = visits.load(seeded, v.id)
    assert again.team == v.team and record_hash(again) == v.record_hash
    # What the sync engine sends is json.loads(canonical); the server hashes
    # that document and must get the record hash, flag included.
    with seeded.db.session() as s:
        item = s.scalar(select(OutboxItem).where(OutboxItem.visit_id == v.id))
        document = json.loads(item.canonical)
    assert canonical_hash(document) == v.record_hash == item.record_hash
    assert [(m["name"], m.get("added_on_site", False)) for m in document["team"]] == \
        [("张伟", False), ("李娜", False), ("赵磊", True)]


def test_without_the_added_sampler_the_team_step_is_refused(seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    steps.confirm_team(seeded, v.id, [TeamMember("s-li", "李娜", "晋抽证2022-0042", present=False)])
    with pytest.raises(RuleViolation) as e:
        visits.advance(seeded, v.id)
    assert e.value.texts("zh_CN") == ["抽样人员不得少于2人（当前1人在场）"]
    steps.add_sampler_on_site(seeded, v.id, name="赵磊", certificate_no="晋执法证2022-0105")
    assert visits.advance(seeded, v.id) == Step.PARTY


@pytest.mark.parametrize("name, cert, zh, en", [
    ("", "晋执法证2022-0105", "请填写现场添加的抽样人员姓名", "Enter the name of the sampler added on site"),
    ("赵磊", "   ", "请填写抽样证/执法证编号", "Enter the sampling / law-enforcement certificate number"),
    ("李娜", " 晋抽证2022-0042", "证件编号晋抽证2022-0042已在抽样人员名单中（李娜），不能重复添加；如其在场，请勾选“在场”",
     "Certificate number 晋抽证2022-0042 is already in the team (李娜) and cannot be added twice; "
     "if that person is here, tick “present”"),
])
def test_bad_additions_are_refused_and_change_nothing(seeded, name, cert, zh, en):
    v = visits.start_visit(seeded, "t-gas-1")
    with pytest.raises(RuleViolation) as e:
        steps.add_sampler_on_site(seeded, v.id, name=name, certificate_no=cert)
    assert e.value.texts("zh_CN") == [zh] and e.value.texts("en") == [en]
    assert visits.load(seeded, v.id).team == v.team


def test_second_addition_of_the_same_certificate_is_refused(seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.add_sampler_on_site(seeded, v.id, name="赵磊", certificate_no="晋执法证2022-0105")
    with pytest.raises(RuleViolation) as e:
        steps.add_sampler_on_site(seeded, v.id, name="赵 磊", certificate_no="晋执法证2022-0105")
    assert "已在抽样人员名单中（赵磊）" in e.value.texts("zh_CN")[0]
    assert len(visits.load(seeded, v.id).team) == 3


def test_removed_again_with_the_signature_given_and_task_members_stay(seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    zhao = steps.add_sampler_on_site(seeded, v.id, name="赵磊", certificate_no="晋执法证2022-0105").team[-1]
    signing.sign(seeded, v.id, role=SignerRole.SAMPLER, name="赵磊", png=signature_png(4), signer_ref=zhao.sampler_id)
    # A stale list from the page (without 赵磊) only sets presence: it does not drop him.
    steps.confirm_team(seeded, v.id, [TeamMember("s-zhang", "张伟", "晋抽证2022-0017 ", present=True)])
    assert [m.name for m in visits.load(seeded, v.id).team] == ["张伟", "李娜", "赵磊"]
    with pytest.raises(RuleViolation) as e:
        steps.remove_sampler_on_site(seeded, v.id, "s-li")
    assert e.value.texts("zh_CN") == ["李娜是任务指派的抽样人员，不能删除；不在场请取消勾选“在场”"]
    after = steps.remove_sampler_on_site(seeded, v.id, zhao.sampler_id)
    assert [m.name for m in after.team] == ["张伟", "李娜"]
    assert after.signatures == []
    assert steps.remove_sampler_on_site(seeded, v.id, zhao.sampler_id).team == after.team   # a double tap
    # Re-added after removal: a new entry, present, marked again.
    again = steps.add_sampler_on_site(seeded, v.id, name="赵磊", certificate_no="晋执法证2022-0105")
    assert [(m.name, m.added_on_site) for m in again.team] == [("张伟", False), ("李娜", False), ("赵磊", True)]


def test_signed_record_refuses_team_changes(seeded, make_jpeg):
    v = complete_visit(seeded, make_jpeg, signature_png, arrive=_li_ill_zhao_joins)
    with pytest.raises(RuleViolation) as e:
        steps.add_sampler_on_site(seeded, v.id, name="孙涛", certificate_no="晋抽证2022-0200")
    assert "已签字确认" in e.value.texts("zh_CN")[0]
    with pytest.raises(RuleViolation):
        steps.remove_sampler_on_site(seeded, v.id, v.team[-1].sampler_id)
    assert visits.load(seeded, v.id).team == v.team
