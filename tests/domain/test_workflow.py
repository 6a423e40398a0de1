"""VisitFlow walked without Qt: forward only when a step is complete, back
without losing anything, the two exits from anywhere, the end states, and
nothing moving once the record is frozen."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.messages import RuleViolation
from app.domain.plan import Scope
from app.domain.visit import (EvidenceCategory as C, EvidenceItem, PriceBasis, ProblemReport, RefusalRecord,
                              Visit, VisitStatus)
from app.domain.workflow import EXITS, ORDER, STEP_TITLES, Step, VisitFlow, step_title
from tests.domain.builders import complete_visit, context, sha

ROOT = Path(__file__).resolve().parents[2]


def walk_to(flow: VisitFlow, target: Step) -> None:
    while flow.step != target:
        flow.advance()


def blank_visit() -> Visit:
    return Visit(id="v-blank", record_no="FS-0")


def test_domain_imports_neither_qt_nor_sql():
    # In a fresh interpreter: pytest-qt has already imported PySide6 here.
    code = ("import sys, pkgutil, importlib, app.domain as d\n"
            "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('app.domain.' + m.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_complete_visit_walks_every_step_in_order():
    flow = VisitFlow(complete_visit(), context())
    seen = [flow.step]
    while not flow.is_last():
        seen.append(flow.advance())
    assert seen == ORDER
    assert flow.visit.back_stack == [s.value for s in ORDER[:-1]]
    assert [s.number for s in seen] == list(range(1, 9))
    assert flow.accept() == VisitStatus.FINISHED


def test_advance_refuses_with_every_missing_item_in_both_languages():
    flow = VisitFlow(blank_visit(), context())
    with pytest.raises(RuleViolation) as e:
        flow.advance()
    assert e.value.texts() == ["抽样人员不得少于2人（当前0人在场）", "尚未出示监督抽查通知书",
                               "尚未出示抽样人员身份证明", "尚未出示授权委托书复印件"]
    assert e.value.texts("en") == ["At least two samplers must be present (now 0)",
                                   "The inspection notice has not been shown",
                                   "The samplers' IDs have not been shown",
                                   "The authorization letter copy has not been shown"]
    assert flow.step == Step.ARRIVE and flow.visit.back_stack == []   # refused: nothing moved


def test_missing_evidence_reads_right_in_english_too():
    v = complete_visit()
    v.evidence = [e for e in v.evidence if e.category not in (C.STORAGE, C.STOCK)]
    flow = VisitFlow(v, context(lang="zh_CN"))
    walk_to(flow, Step.EVIDENCE)
    with pytest.raises(RuleViolation) as e:
        flow.advance()
    assert e.value.texts() == ["缺少贮存环境照片（或填写未拍摄的理由）", "缺少库存数量照片（或填写未拍摄的理由）"]
    assert e.value.texts("en") == ["No storage environment photo (or write why there is none)",
                                   "No stock quantity photo (or write why there is none)"]
    assert "缺少贮存环境照片（或填写未拍摄的理由）" in str(e.value)


def test_missing_matches_what_advance_refuses_and_defaults_to_current_step():
    v = complete_visit()
    v.sample.price_basis_note = ""
    v.sample.price_basis = PriceBasis.MARKET
    flow = VisitFlow(v, context())
    walk_to(flow, Step.SAMPLE)
    assert [p.code for p in flow.missing()] == ["price.market_note"]
    assert flow.missing(Step.ARRIVE) == []
    with pytest.raises(RuleViolation) as e:
        flow.advance()
    assert [p.code for p in e.value.problems] == ["price.market_note"]


def test_party_step_applies_scope_quota_and_batch_limits():
    v = complete_visit()
    v.party.scope = Scope.SELLER
    flow = VisitFlow(v, context(batches_taken_for_item=100,
                                products_already_sampled_at_party=["车用汽油", "车用柴油"]))
    walk_to(flow, Step.PARTY)
    codes = [p.code for p in flow.missing()]
    assert codes == ["plan.scope", "plan.quota", "batch.same_product", "batch.per_party"]


def test_back_keeps_data_and_stack():
    v = complete_visit()
    flow = VisitFlow(v, context())
    walk_to(flow, Step.PAY)
    before = v.sample.batch_no
    assert flow.back() == Step.SAMPLE
    assert v.back_stack == ["arrive", "party", "evidence"]
    assert flow.back() == Step.EVIDENCE
    assert v.sample.batch_no == before and len(v.evidence) == 6 and v.payment.paid
    assert flow.advance() == Step.SAMPLE            # forward again over the kept data
    assert v.back_stack == ["arrive", "party", "evidence"]


def test_back_at_first_step_stays():
    flow = VisitFlow(blank_visit())
    assert not flow.can_go_back()
    assert flow.back() == Step.ARRIVE


def test_going_back_lets_an_incomplete_step_be_left():
    """Back never checks: the sampler may go back to fix an earlier step."""
    v = complete_visit()
    flow = VisitFlow(v, context())
    walk_to(flow, Step.SAMPLE)
    v.sample.unit_price = None
    assert flow.back() == Step.EVIDENCE
    assert v.sample.unit_price is None


@pytest.mark.parametrize("exit_step", [Step.REFUSAL, Step.PROBLEM])
@pytest.mark.parametrize("from_step", ORDER)
def test_exit_from_any_step_and_back(exit_step, from_step):
    v = complete_visit()
    flow = VisitFlow(v, context())
    walk_to(flow, from_step)
    stack = list(v.back_stack)
    assert flow.exit_to(exit_step) == exit_step
    assert flow.step == exit_step and flow.is_last() and flow.can_go_back()
    assert flow.back() == from_step
    assert v.back_stack == stack


def test_exit_works_on_an_empty_visit():
    flow = VisitFlow(blank_visit())
    flow.exit_to(Step.PROBLEM)
    assert flow.step == Step.PROBLEM


def test_exit_twice_pushes_once_and_switching_exits_is_possible():
    flow = VisitFlow(blank_visit())
    flow.exit_to(Step.REFUSAL)
    flow.exit_to(Step.REFUSAL)
    assert flow.visit.back_stack == ["arrive"]
    flow.exit_to(Step.PROBLEM)
    assert flow.back() == Step.REFUSAL and flow.back() == Step.ARRIVE


def test_only_exits_are_exits():
    flow = VisitFlow(blank_visit())
    with pytest.raises(ValueError):
        flow.exit_to(Step.SIGN)
    assert flow.step == Step.ARRIVE


def test_refusal_path_ends_refused():
    v = blank_visit()
    flow = VisitFlow(v)
    flow.exit_to(Step.REFUSAL)
    with pytest.raises(RuleViolation) as e:
        flow.accept()
    assert e.value.texts() == ["请填写拒检事实经过", "请附拒检证据（照片、录像或见证人）"]
    v.refusal = RefusalRecord(facts="拒绝抽样并要求离开", evidence_note="录像")
    assert flow.accept() == VisitStatus.REFUSED


def test_problem_path_ends_problem_reported():
    v = blank_visit()
    flow = VisitFlow(v)
    flow.exit_to(Step.PROBLEM)
    v.problem = ProblemReport(description="无营业执照")
    with pytest.raises(RuleViolation):
        flow.accept()
    v.evidence.append(EvidenceItem("e-p", C.PROBLEM, sha(1)))
    assert flow.accept() == VisitStatus.PROBLEM_REPORTED


def test_accept_only_on_a_last_step_and_advance_not_past_it():
    v = complete_visit()
    flow = VisitFlow(v, context())
    with pytest.raises(ValueError):
        flow.accept()
    walk_to(flow, Step.DOCUMENTS)
    with pytest.raises(ValueError):
        flow.advance()
    assert flow.step == Step.DOCUMENTS


def test_documents_step_rechecks_everything_before():
    v = complete_visit()
    flow = VisitFlow(v, context())
    walk_to(flow, Step.DOCUMENTS)
    v.shown.authorization_letter = False            # changed behind the flow's back
    v.payment.backup_free = False
    with pytest.raises(RuleViolation) as e:
        flow.accept()
    assert [p.code for p in e.value.problems] == ["shown.authorization", "payment.backup_not_free"]


@pytest.mark.parametrize("status", [VisitStatus.FINISHED, VisitStatus.REFUSED,
                                    VisitStatus.PROBLEM_REPORTED, VisitStatus.ABANDONED])
def test_nothing_moves_once_frozen(status):
    v = complete_visit()
    flow = VisitFlow(v, context())
    walk_to(flow, Step.SIGN)
    v.status = status
    stack = list(v.back_stack)
    for move in (flow.advance, flow.back, flow.accept, lambda: flow.exit_to(Step.REFUSAL),
                 lambda: flow.exit_to(Step.PROBLEM)):
        with pytest.raises(RuleViolation) as e:
            move()
        assert e.value.texts() == ["本次抽样已结束"] and e.value.texts("en") == ["This visit has ended"]
    assert flow.step == Step.SIGN and v.back_stack == stack and not flow.can_go_back()


def test_progress_reports_each_main_step():
    v = complete_visit()
    flow = VisitFlow(v, context())
    # Valid data is not a step done: only a step completed with Next is.
    assert not any(ok for _, ok in flow.progress())
    while flow.step != Step.DOCUMENTS:
        flow.advance()
    assert flow.progress() == [(s, s != Step.DOCUMENTS) for s in ORDER]
    v.status = VisitStatus.FINISHED          # a finished record went through every step
    assert flow.progress() == [(s, True) for s in ORDER]
    v.status = VisitStatus.IN_PROGRESS
    v.payment.paid = False
    v.evidence = [e for e in v.evidence if e.category != C.SITE]
    done = dict(flow.progress())
    assert [s for s in ORDER if not done[s]] == [Step.EVIDENCE, Step.PAY, Step.DOCUMENTS]
    flow.back()
    assert dict(flow.progress())[Step.SIGN]        # going back keeps what is still done
    blank = VisitFlow(blank_visit(), context())
    assert not any(ok for _, ok in blank.progress())


def test_every_step_has_titles_and_exits_end_states():
    assert set(STEP_TITLES) == set(Step)
    assert all(step_title(s, "zh_CN") and step_title(s, "en") != step_title(s, "zh_CN") for s in Step)
    assert EXITS == {Step.REFUSAL: VisitStatus.REFUSED, Step.PROBLEM: VisitStatus.PROBLEM_REPORTED,
                     Step.NO_SAMPLE: VisitStatus.NO_SAMPLE}
    assert Step.REFUSAL.number == 0 and Step.ARRIVE.number == 1
