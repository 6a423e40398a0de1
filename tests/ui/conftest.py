"""Qt widget tests run offscreen with real widgets and real events."""
from __future__ import annotations

import os

os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """Settings, logs and data of a test go to its own temp folders."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("FIELD_SAMPLER_DATA", raising=False)
    yield


@pytest.fixture(autouse=True)
def app_guards(qapp):
    """The app-wide guards create_app() installs (wheel, touch rows, dialogs
    fitted to the screen), so widgets behave here as in the app; the
    remembered UI state starts empty."""
    from app.ui import guards, ui_state
    guards.install(qapp)
    ui_state._states.clear()
    ui_state._current = None
    yield


@pytest.fixture(autouse=True)
def chinese_by_default():
    from app.ui import i18n
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture
def english():
    from app.ui import i18n
    i18n.set_language("en")
    yield


@pytest.fixture
def artifacts_dir() -> Path:
    """Screenshots go to $FIELD_SAMPLER_ARTIFACTS or artifacts/ (git-ignored)."""
    d = Path(os.environ.get("FIELD_SAMPLER_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def type_text(qtbot):
    """Type like a user: ASCII as key presses, Chinese as an input-method
    commit (how a pinyin IME delivers it; QTest cannot key non-ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    def type_(widget, text: str) -> None:
        widget.setFocus()
        for ch in text:
            if ch.isascii():
                qtbot.keyClicks(widget, ch)
            else:
                ev = QInputMethodEvent("", [])
                ev.setCommitString(ch)
                QApplication.sendEvent(widget, ev)
    return type_


@pytest.fixture(autouse=True)
def _ui_keyring(memory_keyring):
    """Seal labels are signed with the device key: keep it in memory."""
    return memory_keyring


@pytest.fixture(autouse=True)
def _collect_on_gui_thread():
    """Automatic GC is off once ops run (app/ui/gc_guard.py); collect here,
    on the GUI thread, between tests."""
    yield
    import gc
    gc.collect()


@pytest.fixture
def themed():
    """The app's theme for a screenshot test, restored afterwards."""
    from PySide6.QtWidgets import QApplication
    from app.ui.theme import apply_theme
    app = QApplication.instance()
    saved = (app.styleSheet(), app.font(), app.palette(), app.style().name())
    apply_theme(app)
    yield
    app.setStyleSheet(saved[0])
    app.setFont(saved[1])
    app.setPalette(saved[2])
    app.setStyle(saved[3])


@pytest.fixture
def home(qtbot):
    """The home screen, shown at 1280x720; no DB op may outlive the test's
    workspace, so the test ends only when the op queue is drained."""
    from app.ui import ops
    from app.ui.home.screen import HomeScreen
    w = HomeScreen()
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    yield w
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
