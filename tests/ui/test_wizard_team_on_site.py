"""On the team step a sampler not on the task's team is added on site,
removed and added again; a bad entry is refused in the dialog with the typed
text kept; the addition survives back/forward and a restart of the wizard."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QMessageBox, QPushButton

from app.domain.workflow import Step
from app.services import visits
from tests.ui.wizard_driver import Driver, open_wizard


def _type_into(d: Driver, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    d.qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    d.qtbot.keyClick(edit, Qt.Key.Key_Delete)
    d._type(edit, text)


def _add(d: Driver, name: str, cert: str):
    """添加现场抽样人员 -> type name and certificate -> 添加. Returns the dialog."""
    d.click(d.widget("team.add", QPushButton))
    dlg = d.w.page.add_dialog
    d.qtbot.waitUntil(dlg.isVisible)
    assert dlg.name.height() >= 40 and dlg.certificate.height() >= 40      # touch-size fields
    _type_into(d, dlg.name, name)
    _type_into(d, dlg.certificate, cert)
    d.click(dlg.ok)
    d.idle()
    return dlg


def _rows(d: Driver) -> list[tuple[str, str, bool]]:
    """(label, certificate, present) of each team row as shown."""
    page = d.w.page
    return [(box.text(), cert.text(), box.isChecked()) for _m, box, cert in page.team_rows]


def _saved_team(ws, visit_id) -> list[tuple[str, str, bool, bool]]:
    return [(m.name, m.certificate_no, m.present, m.added_on_site) for m in visits.load(ws, visit_id).team]


def test_add_remove_readd_and_advance(qtbot, seeded, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    d = Driver(qtbot, open_wizard(qtbot, seeded, v.id), type_text)
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
    d.tick("team.s-li.present", False)            # 李娜 fell ill
    d.next()
    assert d.w.missing_texts() == ["抽样人员不得少于2人（当前1人在场）"]

    # First try: 李娜's certificate by mistake. Refused in the dialog, nothing typed is lost.
    dlg = _add(d, "赵磊", "晋抽证2022-0042")
    assert dlg.isVisible()
    assert dlg.error.text() == "证件编号晋抽证2022-0042已在抽样人员名单中（李娜），不能重复添加；如其在场，请勾选“在场”"
    assert dlg.name.text() == "赵磊" and dlg.certificate.text() == "晋抽证2022-0042"
    assert "已在抽样人员名单中" in dlg.certificate.toolTip()
    _type_into(d, dlg.certificate, " 晋执法证2022-0105 ")
    d.click(dlg.ok)
    d.idle()
    assert d.w.page.add_dialog is None                # saved: the dialog closed
    zhao_rows = [("张伟", "晋抽证2022-0017", True), ("李娜", "晋抽证2022-0042", False),
                 ("赵磊（现场添加）", "晋执法证2022-0105", True)]
    assert _rows(d) == zhao_rows
    assert _saved_team(seeded, v.id)[-1] == ("赵磊", "晋执法证2022-0105", True, True)
    assert not d.w.missing.isVisible()            # two present now: the panel cleared itself

    # Removed again (after confirming), then added again.
    zhao_id = d.w.page.team_rows[-1][0].sampler_id
    d.click(d.widget(f"team.{zhao_id}.remove", QPushButton))
    box = next(b for b in QApplication.topLevelWidgets() + d.w.page.findChildren(QMessageBox)
               if isinstance(b, QMessageBox) and b.isVisible())
    assert box.text() == "从本次抽样的抽样人员中删除赵磊（晋执法证2022-0105）？"
    d.click(box.button(QMessageBox.StandardButton.Yes))
    d.idle()
    assert [r[0] for r in _rows(d)] == ["张伟", "李娜"]
    assert [t[0] for t in _saved_team(seeded, v.id)] == ["张伟", "李娜"]
    _add(d, "赵磊", "晋执法证2022-0105")
    assert _rows(d) == zhao_rows
    zhao_id = d.w.page.team_rows[-1][0].sampler_id

    d.next()
    assert d.step == Step.PARTY
    d.back()                                      # back and forward keep him
    assert d.step == Step.ARRIVE and _rows(d) == zhao_rows
    d.next()
    assert d.step == Step.PARTY

    # A restart: a new wizard on the same data shows him, marked, with his number.
    d.w.close()
    d2 = Driver(qtbot, open_wizard(qtbot, seeded, v.id), type_text)
    assert d2.step == Step.PARTY
    d2.back()
    assert _rows(d2) == zhao_rows
    assert d2.widget(f"team.{zhao_id}.present", QCheckBox).text() == "赵磊（现场添加）"


def test_corrected_certificate_of_an_added_sampler_autosaves(qtbot, seeded, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    d = Driver(qtbot, open_wizard(qtbot, seeded, v.id), type_text)
    _add(d, "赵磊", "晋执法证2022-0150")
    zhao_id = d.w.page.team_rows[-1][0].sampler_id
    d.fill(f"team.{zhao_id}.certificate_no", "晋执法证2022-0105")      # a typo, corrected in the list
    assert _saved_team(seeded, v.id)[-1] == ("赵磊", "晋执法证2022-0105", True, True)


def test_english_dialog_explains_missing_fields(qtbot, seeded, type_text, english):
    v = visits.start_visit(seeded, "t-gas-1")
    d = Driver(qtbot, open_wizard(qtbot, seeded, v.id), type_text)
    assert d.widget("team.add", QPushButton).text() == "Add a sampler on site"
    dlg = _add(d, "Zhao Lei", "   ")
    assert dlg.isVisible() and dlg.windowTitle() == "Add a sampler on site"
    assert dlg.error.text() == "Enter the sampling / law-enforcement certificate number"
    assert dlg.name.text() == "Zhao Lei"
    assert len(visits.load(seeded, v.id).team) == 2
