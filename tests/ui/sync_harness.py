"""The main window with its home and sync screens over a fresh client data
folder, against the real demo server on loopback (sync.server.demo)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from PySide6.QtWidgets import QToolBar

from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from app.ui.sync.screen import install_sync
from sync.client.transport import RetryPolicy, Timeouts
from tests.ui.clicking import click

FAST = {"retry": RetryPolicy(base_s=0.01, factor=2, max_delay_s=0.1, attempts=3),
        "timeouts": Timeouts(connect_s=2, read_s=5)}


@dataclass
class DemoServer:
    url: str
    password: str
    data_dir: Path
    running: object

    def progress(self) -> dict[str, dict]:
        from sync.server.config import settings_for
        from sync.server.db import Database
        from sync.server.records import progress
        db = Database(settings_for(self.data_dir).db_url)
        try:
            with db.session() as s:
                return {r.product: r.model_dump() for r in progress.progress(session=s, plan_id="2022-4")}
        finally:
            db.close()


@pytest.fixture
def demo_server(tmp_path):
    from sync.server.demo import start_demo
    running, info = start_demo(tmp_path / "server")
    yield DemoServer(running.url, info.password, tmp_path / "server", running)
    running.stop()


@pytest.fixture
def open_window(qtbot, tmp_path, memory_keyring):
    """open_window(server_url, **sync_kw) -> the shown main window; its
    screens are window.home and window.sync_screen."""
    opened = []

    def open_(server_url: str, *, lang_dir: str = "client", **kw):
        config = tmp_path / "config" / "settings.json"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"server_url": server_url}), encoding="utf-8")
        data = tmp_path / lang_dir
        w = MainWindow(SettingsModel(path=config, data_dir=data))
        qtbot.addWidget(w)
        w.show()
        kw.setdefault("auto", False)
        kw.setdefault("probe_ms", 60_000)
        kw.setdefault("engine_options", dict(FAST))
        sync = install_sync(w, **kw)
        home = install_home(w, data, prompt_recovery=False)
        with qtbot.waitSignal(sync.ready, timeout=20_000):
            sync.attach_home(home)
        opened.append(w)
        return w
    yield open_
    for w in opened:
        w.sync_screen.shutdown()
        qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
        w.workspace.close()


def sign_in(qtbot, window, username: str, password: str, *, wait_sync: bool = True):
    """Type like a user and press 登录; wait for the first sync if it signs in."""
    sync = window.sync_screen
    window.show_screen("sync")
    form = sync.form
    form.username.clear()
    qtbot.keyClicks(form.username, username)
    qtbot.keyClicks(form.password, password)
    if not wait_sync:
        click(qtbot, form.button)
        return None
    with qtbot.waitSignal(sync.sync_finished, timeout=30_000) as sig:
        click(qtbot, form.button)
    return sig.args[0]


def open_screen(qtbot, window, key: str) -> None:
    """Go to a screen as a user does: its button on the main toolbar."""
    if window.current_screen() != key:
        bar = window.findChild(QToolBar, "main_toolbar")
        click(qtbot, bar.widgetForAction(window.actions[key]))
        qtbot.waitUntil(lambda: window.current_screen() == key, timeout=5_000)


def sync_now(qtbot, window):
    """立即同步 on the sync screen (opened from the toolbar first)."""
    sync = window.sync_screen
    open_screen(qtbot, window, "sync")
    with qtbot.waitSignal(sync.sync_finished, timeout=30_000) as sig:
        click(qtbot, sync.sync_button)
    return sig.args[0]


def cell(model, row: int, col: int) -> str:
    return model.data(model.index(row, col))


def column(model, title: str) -> int:
    return [c.title for c in model.columns].index(title)


def team_of(ws, task_id: str) -> list[tuple[str, str]]:
    from app.services.reference import load_task
    return [(m.id, m.name) for m in load_task(ws, task_id).team]
