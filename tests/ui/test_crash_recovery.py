"""The app is killed (SIGKILL) in the middle of a visit; on restart the home
screen offers to continue at the step where it stopped, and everything that
was reported saved is there."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.workflow import Step
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from tests.ui.clicking import click

ROOT = Path(__file__).resolve().parents[2]


def test_killed_mid_visit_then_restart_offers_to_continue(qtbot, seeded, tmp_path):
    data = seeded.data_dir
    seeded.close()
    child = subprocess.Popen([sys.executable, "-m", "tests.ui.crash_gui_child", str(data)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    lines = []
    try:
        while not lines or lines[-1] != ["STEP", "evidence"]:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            lines.append(line.split())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    visit_id = lines[0][1]

    window = MainWindow(SettingsModel(data_dir=tmp_path))
    qtbot.addWidget(window)
    window.show()
    home = install_home(window, data)          # prompt_recovery on, as at a real start

    def prompt():
        return next((b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()), None)
    qtbot.waitUntil(lambda: prompt() is not None, timeout=20_000)
    text = prompt().text()
    assert "太原市迎泽区某某加油站有限公司" in text and "第3步" in text
    # 继续 opens the wizard at the step where the process died, with what it saved.
    continue_button = next(b for b in prompt().buttons() if b.text() == "继续")
    with qtbot.waitSignal(home.continue_visit, timeout=5_000) as sig:
        click(qtbot, continue_button)
    assert sig.args == [visit_id]
    qtbot.waitUntil(lambda: window.current_screen() == "visit", timeout=10_000)
    wizard = window.screens["visit"]
    qtbot.waitUntil(lambda: wizard.is_idle() and wizard.state is not None, timeout=10_000)
    assert wizard.state.step == Step.EVIDENCE
    v = wizard.state.visit
    assert v.party.contact == "Qian 13900000000"
    assert v.shown.inspection_notice and v.shown.sampler_ids and v.shown.authorization_letter
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    window.workspace.close()
