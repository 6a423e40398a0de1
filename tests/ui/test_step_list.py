"""Issue 13.6: the step list opens a step done before (by the rules of
上一步 / 下一步), going back keeps the ✔ of steps still complete, and no
step that was never visited gets a ✔ (the refusal path)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.workflow import Step
from app.services import steps, visits
from tests.ui.clicking import click
from tests.ui.test_task_outcomes import refuse
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import Driver, open_wizard


def click_step(qtbot, w, step: Step) -> None:
    row = next(i for i in range(w.sidebar.count())
               if w.sidebar.item(i).data(Qt.ItemDataRole.UserRole) == step.value)
    item = w.sidebar.item(row)
    click(qtbot, w.sidebar.viewport(), pos=w.sidebar.visualItemRect(item).center())


def test_open_a_done_step_from_the_list_and_come_back(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.SEAL)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    marks = w.sidebar_marks()
    assert [marks[s.value] for s in (Step.ARRIVE, Step.PARTY, Step.EVIDENCE, Step.SAMPLE, Step.PAY)] == ["✔"] * 5
    assert marks["seal"] == "▶" and marks["sign"] == "○"

    click_step(qtbot, w, Step.PARTY)                    # back, as 上一步 three times
    d.idle()
    assert d.step == Step.PARTY
    marks = w.sidebar_marks()
    # Going back keeps the ticks of the steps that are still complete.
    assert [marks[s.value] for s in (Step.ARRIVE, Step.EVIDENCE, Step.SAMPLE, Step.PAY)] == ["✔"] * 4
    assert marks["party"] == "▶" and marks["seal"] == "○"

    click_step(qtbot, w, Step.PAY)                      # forward again through complete steps
    d.idle()
    assert d.step == Step.PAY and not w.missing.isVisible()
    assert visits.load(seeded, vid).step == "pay"


def test_forward_stops_at_a_step_that_is_no_longer_complete(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.PAY)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    click_step(qtbot, w, Step.PARTY)
    d.idle()
    steps.record_sample(seeded, vid, batch_no="", production_date="")   # the sample step breaks meanwhile
    click_step(qtbot, w, Step.PAY)
    d.idle()
    assert d.step == Step.SAMPLE
    assert w.missing_texts() == ["请填写生产日期或批号"]


def test_steps_never_reached_cannot_be_opened(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.EVIDENCE)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    sign = next(w.sidebar.item(i) for i in range(w.sidebar.count())
                if w.sidebar.item(i).data(Qt.ItemDataRole.UserRole) == "sign")
    assert not sign.flags() & Qt.ItemFlag.ItemIsEnabled          # shown greyed
    click_step(qtbot, w, Step.SIGN)
    d.idle()
    assert d.step == Step.EVIDENCE


def test_the_refusal_path_ticks_only_steps_visited(qtbot, seeded, make_jpeg):
    refused = refuse(seeded, "t-gas-1", make_jpeg)       # refused at the first step
    w = open_wizard(qtbot, seeded, refused.id)
    marks = w.sidebar_marks()
    # The party's data from the task is valid, yet nobody checked it: no tick.
    assert {s: m for s, m in marks.items() if m == "✔"} == {}
    assert marks["refusal"] == "▶"
