"""Issue 13.1: rolling the mouse wheel over a combo box or spin box while
scrolling a form must not change it unless it has the keyboard focus —
everywhere in the app (one app-wide guard installed by create_app)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QWidget

from app.domain.workflow import Step
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import open_wizard


def roll(widget: QWidget, notches: int = -3) -> None:
    """Wheel notches over the middle of `widget` (negative: towards the user)."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    for _ in range(abs(notches)):
        ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 if notches > 0 else -120),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(widget, ev)


def test_create_app_installs_the_guard_once(qapp):
    from app.ui import guards
    from app.ui.app_shell import create_app
    saved = qapp.styleSheet(), qapp.font(), qapp.palette()
    try:
        app = create_app()
        assert app is qapp and guards.installed(app)
        assert guards.install(app) is guards.install(app)          # idempotent: one filter
    finally:
        qapp.setStyleSheet(saved[0])
        qapp.setFont(saved[1])
        qapp.setPalette(saved[2])


def test_wheel_over_the_diesel_grade_leaves_it(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.SAMPLE, "t-gas-2")        # 车用柴油
    w = open_wizard(qtbot, seeded, vid)
    grade = w.page.findChild(QComboBox, "sample.product_fields.fuel_grade")
    basis = w.page.findChild(QComboBox, "sample.price_basis")
    grade.setCurrentIndex(grade.findText("0#"))
    basis.setCurrentIndex(0)
    w.next_button.setFocus()                     # the sampler is scrolling, not editing the combo
    assert not grade.hasFocus()
    # The wheel gives no focus either: only a click or Tab does.
    assert grade.focusPolicy() == Qt.FocusPolicy.StrongFocus
    roll(grade, -3)
    roll(grade, +2)
    roll(basis, -1)
    assert grade.currentText() == "0#" and basis.currentIndex() == 0
    # A combo the sampler is working in still follows the wheel.
    grade.setFocus()
    qtbot.waitUntil(grade.hasFocus)
    roll(grade, -1)
    assert grade.currentText() != "0#"


def test_wheel_over_a_spin_box_leaves_it(qtbot, seeded, make_jpeg):
    vid = walk_to(seeded, make_jpeg, Step.SEAL)
    w = open_wizard(qtbot, seeded, vid)
    packages = w.page.findChild(QSpinBox, "seal.test_packages")
    qtbot.waitUntil(lambda: packages.value() == 1)
    w.next_button.setFocus()
    roll(packages, +4)
    assert packages.value() == 1


def test_guard_covers_widgets_made_anywhere(qtbot):
    """Not a per-widget patch: a plain combo made later is guarded too."""
    box = QWidget()
    qtbot.addWidget(box)
    combo = QComboBox(box)
    combo.addItems(["92#", "95#", "98#"])
    other = QSpinBox(box)
    other.move(0, 60)
    box.show()
    qtbot.waitExposed(box)
    other.setFocus()
    roll(combo, -2)
    assert combo.currentIndex() == 0
