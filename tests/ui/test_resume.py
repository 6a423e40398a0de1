"""Issue 13.8: at any start with a visit in progress (not only after a
crash) the home screen offers it in one click; the 当前抽样 tab shows the
visit, or plainly that none is open — never a developer's placeholder."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.domain.workflow import Step
from app.ui.wizard import VisitWizard
from tests.conftest import GAS_STATION
from tests.ui.test_task_outcomes import close_app, start_app
from tests.ui.visit_steps import walk_to
from tests.ui.clicking import click


def all_texts(widget) -> str:
    return "\n".join(lab.text() for lab in widget.findChildren(QLabel))


def test_a_normal_start_offers_the_visit_in_progress_in_one_click(qtbot, seeded, make_jpeg, tmp_path):
    vid = walk_to(seeded, make_jpeg, Step.SAMPLE, "t-gas-2")
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)        # a clean start: no crash prompt
    try:
        assert not [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
        bar = home.resume_bar
        assert bar.isVisible()
        assert bar.text.text() == f"未完成的抽样：{GAS_STATION.name}（车用柴油），停在第4步「样品信息」。"
        click(qtbot, bar.button)
        qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
        wiz = window.screens["visit"]
        qtbot.waitUntil(lambda: wiz.state is not None, timeout=10_000)
        assert window.current_screen() == "visit" and wiz.state.visit.id == vid and wiz.state.step == Step.SAMPLE
    finally:
        close_app(qtbot, window)


def test_the_visit_tab_without_a_visit_says_so(qtbot, seeded, tmp_path):
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)
    try:
        window.actions["visit"].trigger()
        page = window.screens["visit"]
        assert not isinstance(page, VisitWizard)
        text = all_texts(page)
        assert "当前没有打开的抽样" in text and "待接入" not in text
        assert not home.resume_bar.isVisible()
    finally:
        close_app(qtbot, window)


def test_the_visit_tab_opens_the_visit_under_way(qtbot, seeded, make_jpeg, tmp_path):
    vid = walk_to(seeded, make_jpeg, Step.PARTY)
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)
    try:
        window.actions["visit"].trigger()
        qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
        wiz = window.screens["visit"]
        qtbot.waitUntil(lambda: wiz.state is not None, timeout=10_000)
        assert wiz.state.visit.id == vid
    finally:
        close_app(qtbot, window)


def test_no_placeholder_text_is_left_in_the_window(qtbot, tmp_path):
    from app.ui.app_shell import MainWindow
    from app.ui.settings_model import SettingsModel
    w = MainWindow(SettingsModel(data_dir=tmp_path))
    qtbot.addWidget(w)
    assert "待接入" not in "\n".join(all_texts(s) + (s.text() if isinstance(s, QLabel) else "")
                                    for s in w.screens.values())
