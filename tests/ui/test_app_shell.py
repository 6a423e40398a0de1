"""Main window shell, bootstrap, logging and the exception hook."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from app.ui.app_shell import ExceptHook, MainWindow, setup_logging
from app.ui.settings_dialog import SettingsDialog
from tests.ui.clicking import click

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def window(qtbot, tmp_path):
    from app.ui.settings_model import SettingsModel
    w = MainWindow(SettingsModel(path=tmp_path / "s.json", data_dir=tmp_path / "data"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _toolbar_button(window, key):
    bar = window.findChild(type(window.addToolBar("x")), "main_toolbar")
    return bar.widgetForAction(window.actions[key])


def test_starts_on_task_placeholder_and_switches_screens(qtbot, window):
    assert window.windowTitle() == "抽样助手"
    assert window.current_screen() == "tasks"
    assert "正在读取本机数据" in window.screens["tasks"].text()  # until the home screen is put in
    with qtbot.waitSignal(window.screen_changed) as sig:
        click(qtbot, _toolbar_button(window, "sync"))
    assert sig.args == ["sync"] and window.current_screen() == "sync"
    assert window.actions["sync"].isChecked() and not window.actions["tasks"].isChecked()


def test_set_screen_replaces_placeholder_in_place(window):
    real = QLabel("real task list")
    window.set_screen("tasks", real)
    assert window.stack.indexOf(real) == 0 and window.stack.count() == 3
    window.show_screen("tasks")
    assert window.stack.currentWidget() is real


def _dot_colour(window) -> str:
    """The most frequent non-background colour of the dot as drawn."""
    from collections import Counter
    image = window.connectivity.dot.grab().toImage()
    background = image.pixelColor(0, 0).name()
    seen = Counter(image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height()))
    return next(c for c, _ in seen.most_common() if c != background)


def test_status_bar_shows_connectivity_and_last_sync(themed, window):
    assert "未配置服务器" in window.connectivity.text() and _dot_colour(window) == "#9e9e9e"   # grey
    assert window.connectivity.dot.height() > window.connectivity.label.height() * 0.9   # the dot is 16 pt
    window.set_online(True)
    assert "在线" in window.connectivity.text() and window.connectivity.color == "#2e7d32"
    assert _dot_colour(window) == "#2e7d32"     # the dot is drawn green
    window.set_online(False)
    assert "离线" in window.connectivity.text() and _dot_colour(window) == "#9e9e9e"
    assert window.last_sync_label.text() == "上次同步：从未同步"
    window.set_last_sync(datetime(2022, 10, 9, 9, 5, tzinfo=timezone.utc))   # shown in China time
    assert window.last_sync_label.text() == "上次同步：2022-10-09 17:05"


def test_english_shell(qtbot, english, tmp_path):
    from app.ui.settings_model import SettingsModel
    w = MainWindow(SettingsModel(path=tmp_path / "s.json", data_dir=tmp_path))
    qtbot.addWidget(w)
    assert w.windowTitle() == "Field Sampler"
    assert w.last_sync_label.text() == "Last sync: never"
    assert [a.text() for a in w.actions.values()] == ["Tasks", "Current visit", "Sync", "Settings"]


def test_settings_opens_from_toolbar(qtbot, window):
    click(qtbot, _toolbar_button(window, "settings"))
    dlg = window.findChild(SettingsDialog)
    assert dlg is not None and dlg.isVisible()
    assert dlg.findChild(QLineEdit) is not None
    dlg.reject()


def test_logging_goes_to_rotating_file_in_user_log_folder(tmp_path):
    import logging
    path = setup_logging()
    assert str(path).startswith(str(tmp_path))
    logging.getLogger("field.test").warning("hello log")
    for h in logging.getLogger().handlers:
        h.flush()
    assert "hello log" in path.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_unhandled_error_is_logged_and_shown_and_window_stays(qtbot, window, tmp_path):
    log_path = setup_logging()
    hook = ExceptHook(log_path)
    old, sys.excepthook = sys.excepthook, hook
    try:
        QTimer.singleShot(0, lambda: 1 / 0)  # an error inside a Qt slot
        qtbot.waitUntil(lambda: hook.shown == 1, timeout=3000)
    finally:
        sys.excepthook = old
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "已保存的内容不会丢失" in boxes[0].text()
    assert "ZeroDivisionError" in boxes[0].informativeText()
    assert window.isVisible()
    assert "ZeroDivisionError" in log_path.read_text(encoding="utf-8")
    boxes[0].close()


def test_gui_entry_module_imports_no_qt_and_app_starts():
    code = ("import sys, app.cli; app.cli.build_parser(); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'PySide6 imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "app", "gui", "--exit-after-show"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
