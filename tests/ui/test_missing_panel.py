"""Issue 13.5 (and the wrong-heading point): the red panel of what is still
wrong keeps one height, so fixing an item never moves the form or the
buttons under the sampler's finger; it says how many items are left and
does not call a wrong credit code "missing"."""
from __future__ import annotations

from PySide6.QtCore import QPoint

from app.domain.workflow import Step
from app.services import steps
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import Driver, open_wizard


def geometry(w):
    """Where the form area, the panel and the buttons are, in wizard coordinates."""
    return (w.stack.geometry(), w.missing.height(),
            w.next_button.mapTo(w, QPoint(0, 0)), w.back_button.mapTo(w, QPoint(0, 0)))


def test_fixing_items_moves_nothing(qtbot, seeded, type_text):
    from app.services import visits
    v = visits.start_visit(seeded, "t-gas-1")
    w = open_wizard(qtbot, seeded, v.id)
    w.resize(1366, 700)
    d = Driver(qtbot, w, type_text)
    d.next()                                                   # nothing ticked yet: refused
    assert len(w.missing_texts()) == 3
    assert "3项" in w.missing_title.text()
    before = geometry(w)
    d.tick("shown.inspection_notice")
    d.tick("shown.sampler_ids")
    d.next()
    assert w.missing_texts() == ["尚未出示授权委托书复印件"]
    assert "1项" in w.missing_title.text()
    assert geometry(w) == before                              # same form height, same buttons


def test_a_long_list_scrolls_inside_the_panel(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.SAMPLE)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    for key in ("batch_no", "base_quantity", "unit_price", "product_fields.tank_no", "product_fields.pump_no"):
        d.fill(f"sample.{key}", "")
    d.next()
    assert len(w.missing_texts()) >= 4
    height = w.missing.height()
    assert w.missing_scroll.verticalScrollBar().maximum() > 0      # the rest scrolls
    d.fill("sample.batch_no", "20221114-02")
    assert w.missing.height() == height


def test_a_wrong_credit_code_is_not_called_missing(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.PARTY)
    steps.record_party(seeded, vid, credit_code="91140100MA0K3R5X1A")     # wrong check character
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    d.next()
    assert w.missing_texts() == ["统一社会信用代码校验位错误，请核对"]
    assert "缺少" not in w.missing_title.text()
