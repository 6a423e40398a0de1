"""From the home screen into a visit and back: a task opens a new visit in
the wizard; a finished visit opens read-only; a cancelled task is refused."""
from __future__ import annotations

import pytest

from app.domain.entities import TaskStatus
from app.domain.workflow import Step
from app.services import visits
from app.services.reference import import_master_data
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from app.ui.wizard.wizard import VisitWizard
from tests.conftest import make_task, signature_png
from tests.scenarios import complete_visit


@pytest.fixture
def window(qtbot, tmp_path, seeded):
    """The real main window over the seeded workspace's data folder."""
    data = seeded.data_dir
    seeded.close()
    w = MainWindow(SettingsModel(data_dir=tmp_path))
    qtbot.addWidget(w)
    w.show()
    home = install_home(w, data, prompt_recovery=False)
    with qtbot.waitSignal(home.loaded, timeout=20_000):
        pass
    yield w
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    w.workspace.close()


def test_open_task_starts_a_visit_in_the_wizard(qtbot, window):
    window.home.open_task.emit("t-gas-1")
    qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
    assert window.current_screen() == "visit"
    wizard = window.screens["visit"]
    [summary] = visits.unfinished_visits(window.workspace)
    assert wizard.session.visit_id == summary.id
    qtbot.waitUntil(lambda: wizard.is_idle(), timeout=10_000)
    assert wizard.shown_step == Step.ARRIVE


def test_finished_visit_opens_read_only(qtbot, window, make_jpeg):
    v = complete_visit(window.workspace, make_jpeg, signature_png)
    window.home.open_visit.emit(v.id)
    qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
    wizard = window.screens["visit"]
    qtbot.waitUntil(lambda: wizard.is_idle() and wizard.banner.isVisible(), timeout=10_000)
    assert not wizard.next_button.isVisible()


def test_cancelled_task_is_refused_with_its_reason(qtbot, window):
    from PySide6.QtWidgets import QApplication, QMessageBox
    t = make_task()
    t.status, t.cancel_reason = TaskStatus.CANCELLED, "该站已停业"
    import_master_data(window.workspace, tasks=[t])
    window.home.open_task.emit(t.id)

    def box_text():
        return [b.text() for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    qtbot.waitUntil(lambda: any("该站已停业" in t for t in box_text()), timeout=10_000)
    assert window.current_screen() == "tasks"
    for b in QApplication.topLevelWidgets():
        if isinstance(b, QMessageBox):
            b.close()
