"""A sampler added on site (not on the task's team) counts like any other
sampler; a certificate already in the team is refused; records signed
before the added_on_site flag existed keep their hash."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain import rules
from app.domain.plain import from_plain
from app.domain.record import record_bytes, record_document, record_hash
from app.domain.visit import Signature, SignerRole, TeamMember, Visit
from tests.domain.builders import T0, codes, complete_visit, only, sha

ZHAO = TeamMember("onsite-1", "赵磊", "晋抽证2022-0105", present=True, added_on_site=True)


def _li_ill_zhao_replaces() -> Visit:
    """李娜 fell ill; 赵磊 of the same agency came instead and signed."""
    v = complete_visit()
    v.team[1].present = False
    v.team.append(ZHAO)
    v.signatures = [s for s in v.signatures if s.signer_ref != "s-li"]
    v.signatures.append(Signature("sig-4", SignerRole.SAMPLER, "赵磊", sha(104), "onsite-1", T0))
    return v


def test_two_present_with_one_added_on_site_pass_team_and_signature_rules():
    v = _li_ill_zhao_replaces()
    assert rules.at_least_two_samplers(v) == []
    assert rules.signatures_complete(v) == []


def test_without_the_added_sampler_one_present_is_too_few():
    v = _li_ill_zhao_replaces()
    v.team[-1].present = False
    assert only(rules.at_least_two_samplers(v)).text() == "抽样人员不得少于2人（当前1人在场）"
    # The absent 李娜's earlier signature would not count either.
    assert codes(rules.signatures_complete(v)) == ["sign.samplers"]


def test_signature_of_the_added_sampler_counts_only_while_present():
    v = _li_ill_zhao_replaces()
    v.team[-1].present = False           # 赵磊 unticked after signing
    v.team[1].present = True             # 李娜 present but has not signed
    assert only(rules.signatures_complete(v)).text() == "需要至少2名抽样人员签字（当前1名）"
    v.team[-1].present = True
    assert rules.signatures_complete(v) == []


def test_sampler_addable_needs_name_and_certificate():
    v = complete_visit()
    found = rules.sampler_addable(v, "  ", "  ")
    assert codes(found) == ["team.name_required", "team.certificate_required"]
    assert [p.text() for p in found] == ["请填写现场添加的抽样人员姓名", "请填写抽样证/执法证编号"]
    assert found[1].text("en") == "Enter the sampling / law-enforcement certificate number"
    assert rules.sampler_addable(v, "赵磊", " 晋抽证2022-0105 ") == []


@pytest.mark.parametrize("typed", ["晋抽证2022-0042", " 晋抽证2022-0042 ", "晋抽证 2022-0042"])
def test_certificate_already_in_the_team_is_refused(typed):
    v = complete_visit()
    v.team[1].present = False            # absent or not, 李娜 is already listed
    p = only(rules.sampler_addable(v, "李娜", typed))
    assert p.code == "team.duplicate_certificate" and p.field == "team.new.certificate_no"
    assert p.text() == (f"证件编号{typed.strip()}已在抽样人员名单中（李娜），不能重复添加；"
                        "如其在场，请勾选“在场”")
    assert p.text("en").startswith(f"Certificate number {typed.strip()} is already in the team (李娜)")


def test_added_on_site_shows_in_the_record_only_when_true():
    plain = complete_visit()
    assert all("added_on_site" not in m for m in record_document(plain)["team"])
    v = _li_ill_zhao_replaces()
    team = record_document(v)["team"]
    assert [m.get("added_on_site") for m in team] == [None, None, True]
    # The flag is signed: taking it away changes the hash.
    h = record_hash(v)
    v.team[-1].added_on_site = False
    assert record_hash(v) != h


def test_record_finished_before_the_flag_existed_still_verifies():
    """tests/domain/data: a finished visit stored by the code before
    added_on_site (made at commit fd2a397). Loading it gives the same record
    hash and the very same canonical bytes."""
    data = json.loads((Path(__file__).parent / "data" / "record_before_added_on_site.json")
                      .read_text(encoding="utf-8"))
    assert all("added_on_site" not in m for m in data["stored_doc"]["team"])
    v = from_plain(Visit, data["stored_doc"])
    assert v.record_hash == data["record_hash"]
    assert record_hash(v) == data["record_hash"]
    assert record_bytes(v).decode("utf-8") == data["canonical"]
