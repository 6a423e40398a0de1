"""`field-sampler gui --data-dir X` shows the real home screen for the data
at X, and screenshots of it in Chinese and English (look at them)."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.domain.entities import TaskStatus
from app.services import steps, visits
from app.services.reference import import_master_data
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.screen import HomeScreen
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from tests.conftest import make_task, signature_png
from tests.scenarios import complete_visit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def drained(qtbot):
    yield
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)


def test_install_home_opens_the_workspace_and_loads_the_packaged_plan(qtbot, tmp_path):
    window = MainWindow(SettingsModel(data_dir=tmp_path))
    qtbot.addWidget(window)
    window.show()
    home = install_home(window, tmp_path / "data")
    assert window.screens["tasks"] is home and window.current_screen() == "tasks"
    try:
        with qtbot.waitSignal(home.loaded, timeout=20_000):
            pass
        from app.domain.reference_data import load_plan
        plan = load_plan()
        assert home.plan_id == plan.id
        assert home.progress.model.rowCount() == len(plan.items)
        assert sum(p.quota for p in home.progress.model.rows) == sum(i.batches for i in plan.items)
        assert home.tasks.empty.isVisible()  # no tasks before the first sync
        assert (tmp_path / "data" / "field-sampler.sqlite").is_file()
    finally:
        qtbot.waitUntil(lambda: ops.pending() == 0)
        window.workspace.close()


def test_gui_command_shows_the_home_screen_for_the_data_dir(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "share"))
    env.pop("FIELD_SAMPLER_DATA", None)
    data = tmp_path / "X"
    subprocess.run([sys.executable, "-m", "app", "gui", "--data-dir", str(data), "--exit-after-load"],
                   cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    assert (data / "field-sampler.sqlite").is_file()
    assert (data / "logs" / "field-sampler.log").is_file()  # file log set up right after show


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    from app.ui import i18n
    i18n.set_language(request.param)
    yield request.param


def _busy_day(ws, make_jpeg, clock):
    """A day with something in every list: one finished visit overdue, one
    near its deadline, one in progress, a cancelled task."""
    from app.domain.entities import InspectedParty
    shop = InspectedParty(id="p-shop", name="晋中市榆次区某某商贸有限公司", credit_code="")
    import_master_data(ws, tasks=[
        replace(make_task("t-cancel", ("2022-4-13",)), status=TaskStatus.CANCELLED, cancel_reason="企业已停产"),
        make_task("t-shop", ("2022-4-18",), party=shop)])
    complete_visit(ws, make_jpeg, signature_png)
    clock.now = datetime(2022, 11, 16, 3, 0, tzinfo=timezone.utc)
    complete_visit(ws, make_jpeg, signature_png, task_id="t-gas-2")
    v = visits.start_visit(ws, "t-gas-3")
    steps.record_shown_documents(ws, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(ws, v.id)
    clock.now = datetime(2022, 11, 16, 13, 0, tzinfo=timezone.utc)   # 21:00 China time


def test_home_screenshots(qtbot, themed, lang, artifacts_dir, seeded, make_jpeg, clock):
    _busy_day(seeded, make_jpeg, clock)
    window = MainWindow(SettingsModel(data_dir=seeded.data_dir))
    qtbot.addWidget(window)
    home = HomeScreen()
    window.set_screen("tasks", home)
    window.show_screen("tasks")
    window.set_last_sync(datetime(2022, 11, 15, 10, 5, tzinfo=timezone.utc))
    window.set_online(False)
    window.resize(1280, 720)             # fits the 1366x768 laptop screen (taskbar, title bar)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(home.loaded, timeout=10_000):
        home.set_workspace(seeded, "2022-4")
    assert home.recovery_box is not None       # opened in the slot that emits `loaded`
    box = home.recovery_box
    assert box.grab().save(str(artifacts_dir / f"home_recovery_{lang}.png"))
    box.reject()
    QApplication.processEvents()
    img = window.grab()
    assert (img.width(), img.height()) == (1280, 720)
    assert img.save(str(artifacts_dir / f"home_{lang}.png"))
    # nothing cut off: every column header fits, every button shows its text
    for section in (home.tasks, home.running, home.awaiting, home.progress):
        if section.button is not None:
            assert section.button.width() >= section.button.minimumSizeHint().width()
        assert section.view.height() >= 2 * 38, section.title.text()
    home.search_box.setText("加油站")
    with qtbot.waitSignal(home.searched):
        home.run_search()
    QApplication.processEvents()
    assert window.grab().save(str(artifacts_dir / f"home_search_{lang}.png"))
