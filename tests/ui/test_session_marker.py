"""The recovery prompt appears only when the last session on the data folder
did not end cleanly. Real app processes (start_gui) are quit cleanly, killed
with SIGKILL, or left running beside a second window; the restart is the
real home screen start-up (install_home)."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import steps, visits
from app.store import paths
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel

ROOT = Path(__file__).resolve().parents[2]
PARTY = "太原市迎泽区某某加油站有限公司"


@pytest.fixture
def two_unfinished(seeded, clock):
    """Visit A stopped at step 2 (受检单位); visit B, changed later, at step 1."""
    a = visits.start_visit(seeded, "t-gas-1")
    steps.record_shown_documents(seeded, a.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, a.id)
    clock.now += timedelta(hours=1)
    b = visits.start_visit(seeded, "t-gas-2")
    seeded.close()
    return seeded.data_dir, visits_of(a, b)


def visits_of(a, b):
    return {"A": a.id, "B": b.id, "A_no": a.record_no, "B_no": b.record_no}


def run_app(data: Path, visit_id: str, mode: str) -> subprocess.Popen:
    """The real app on `data`, visit_id open in the wizard when it prints OPEN."""
    child = subprocess.Popen([sys.executable, "-m", "tests.ui.session_gui_child", str(data), visit_id, mode],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    ready, _, _ = select.select([child.stdout], [], [], 60)
    line = child.stdout.readline() if ready else ""
    if not line:
        child.kill()
        pytest.fail("the app did not open the visit: " + child.stderr.read())
    assert line.split() == ["OPEN", visit_id, "party"]
    return child


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def restart(qtbot, data: Path, tmp_path: Path):
    """Start the app's home screen on `data` as a real start does; return
    (window, home) once the lists show the data."""
    window = MainWindow(SettingsModel(data_dir=tmp_path / f"settings-{len(os.listdir(tmp_path))}"))
    qtbot.addWidget(window)
    window.show()
    home = install_home(window, data)
    with qtbot.waitSignal(home.loaded, timeout=20_000):
        pass              # a prompt opens in the same slot that emits `loaded`
    return window, home


def prompt() -> QMessageBox | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)


def in_progress_ids(home) -> list[str]:
    return [v.id for v in home.running.model.rows]


def close(qtbot, window) -> None:
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    window.workspace.close()


def test_clean_quit_with_unfinished_visit_asks_nothing_at_restart(qtbot, two_unfinished, tmp_path):
    data, v = two_unfinished
    child = run_app(data, v["A"], "quit")
    assert child.wait(timeout=30) == 0, child.stderr.read()
    window, home = restart(qtbot, data, tmp_path)
    assert prompt() is None and home.recovery_box is None
    # the unfinished visits are simply listed as in progress
    assert set(in_progress_ids(home)) == {v["A"], v["B"]}
    assert home.running.title.text() == "进行中的抽样（2）"
    close(qtbot, window)


def test_killed_app_prompt_names_the_visit_open_in_the_wizard(qtbot, two_unfinished, tmp_path):
    data, v = two_unfinished
    kill(run_app(data, v["A"], "stay"))
    window, home = restart(qtbot, data, tmp_path)
    assert in_progress_ids(home)[0] == v["B"]      # B changed last, but A was open
    box = prompt()
    assert box is not None and box is home.recovery_box
    assert f"{PARTY}，停在第2步「核对受检单位」" in box.text()
    assert v["A_no"] in box.informativeText() and "另有1个未完成的抽样" in box.informativeText()
    box.reject()
    close(qtbot, window)
    # told once: the next start (this one still running in-process) asks nothing more
    window2, home2 = restart(qtbot, data, tmp_path)
    assert prompt() is None
    close(qtbot, window2)


def test_marker_whose_pid_is_now_another_program_counts_as_a_crash(qtbot, two_unfinished, tmp_path):
    data, v = two_unfinished
    kill(run_app(data, v["A"], "stay"))
    [marker] = paths.sessions_dir(data).glob("session-*.json")
    other = subprocess.Popen(["sleep", "60"])     # the dead app's pid, reused by another program
    try:
        record = json.loads(marker.read_text())
        record["pid"] = other.pid
        marker.write_text(json.dumps(record))
        window, home = restart(qtbot, data, tmp_path)
        box = prompt()
        assert box is not None and "第2步「核对受检单位」" in box.text() and v["A_no"] in box.informativeText()
        box.reject()
        close(qtbot, window)
    finally:
        other.kill()
        other.wait()


def test_second_window_on_the_folder_is_warned_not_prompted(qtbot, two_unfinished, tmp_path):
    data, v = two_unfinished
    first = run_app(data, v["A"], "stay")
    try:
        window, home = restart(qtbot, data, tmp_path)
        assert prompt() is None and home.recovery_box is None
        assert f"正被另一个抽样助手窗口使用（进程 {first.pid}）" in window.message_label.text()
        assert set(in_progress_ids(home)) == {v["A"], v["B"]}
        close(qtbot, window)
    finally:
        kill(first)
    # the first one was killed after all: now that is a crash, about the visit it had open
    window, home = restart(qtbot, data, tmp_path)
    box = prompt()
    assert box is not None and "第2步" in box.text() and v["A_no"] in box.informativeText()
    box.reject()
    close(qtbot, window)
