"""Issue 13.10: the amount (quantity × unit price) is on screen before
确认付款; after sealing 下一步 is the primary action, not 重新封样; drop-down
rows are touch-size; one seal label per package (J1…Jn, B1…Bn) with the
count of packages the sampler gives."""
from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox
from pypdf import PdfReader

from app.domain.workflow import Step
from app.services import documents, visits
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import Driver, open_wizard


def test_the_amount_shows_before_paying_and_follows_the_typing(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.PAY)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    amount = d.widget("payment.amount", QLabel)
    assert not visits.load(seeded, vid).payment.paid
    assert amount.text() == "2L × 7.85元 = 15.70元"          # before 确认付款
    qty = d.widget("payment.quantity", QLineEdit)
    qty.setFocus()
    qtbot.keyClick(qty, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qty, "3")
    assert amount.text() == "3L × 7.85元 = 23.55元"
    type_text(qty, "x")
    assert amount.text() == "—"                               # not a number: no amount


def test_after_sealing_next_is_the_primary_action(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.SEAL)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    seal = d.widget("seal")
    assert seal.property("primary")
    seal.click()
    qtbot.waitUntil(lambda: bool(visits.load(seeded, vid).seals), timeout=10_000)
    d.idle()
    d.close_previews()
    for dlg in list(w.page.actions.dialogs):
        try:
            dlg.close()
        except RuntimeError:
            pass
    assert not seal.property("primary") and seal.text() == "重新封样并打印封条"
    assert w.next_button.property("primary")
    numbers = [s.seal_no for s in visits.load(seeded, vid).seals]
    box = w.page.seal()                                       # sealing again voids the labels: asked first
    assert box is not None and "作废" in box.text()
    box.reject()
    d.idle()
    assert [s.seal_no for s in visits.load(seeded, vid).seals] == numbers


def test_drop_down_rows_are_touch_size(qtbot, seeded, make_jpeg):
    vid = walk_to(seeded, make_jpeg, Step.SAMPLE, "t-gas-2")
    w = open_wizard(qtbot, seeded, vid)
    grade = w.page.findChild(QComboBox, "sample.product_fields.fuel_grade")
    w.page.scroll.ensureWidgetVisible(grade)
    grade.showPopup()
    view = grade.view()
    qtbot.waitUntil(view.isVisible)
    heights = [view.visualRect(grade.model().index(r, 0)).height() for r in range(grade.count())]
    grade.hidePopup()
    assert heights and min(heights) >= 32


def test_one_seal_label_per_package(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.SEAL, "t-gas-2")       # 车用柴油: the rule says 1 + 1
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    test_n, backup_n = d.widget("seal.test_packages", QSpinBox), d.widget("seal.backup_packages", QSpinBox)
    qtbot.waitUntil(lambda: test_n.minimum() == 1 and test_n.value() == 1)
    test_n.setValue(2)                                           # the test sample filled two cans
    backup_n.setValue(2)
    d.widget("seal").click()
    qtbot.waitUntil(lambda: bool(visits.load(seeded, vid).seals), timeout=10_000)
    d.idle()
    d.close_previews()
    v = visits.load(seeded, vid)
    assert sorted(s.seal_no.rsplit("-", 1)[1] for s in v.seals) == ["B1", "B2", "J1", "J2"]
    labels = PdfReader(io.BytesIO(documents.build_pdf(seeded, vid, "seal_labels")))
    assert len(labels.pages) == 4                                # one 100x70 label each
    assert "J2" in labels.pages[1].extract_text()
