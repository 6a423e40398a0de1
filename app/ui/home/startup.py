"""Put the real home screen into the main window and open the workspace on
the DB worker (SQLAlchemy, Alembic and the migration check cost a few hundred
milliseconds: never on the GUI thread, never before the window is shown)."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.ui.home.screen import HomeScreen
from app.ui.i18n import language, tr
from app.ui.ops import DbOp

log = logging.getLogger(__name__)


def open_workspace(data_dir: Path, lang: str):
    """Runs on the DB worker: open (and migrate) the local store, make sure
    the packaged plan is there. Returns (workspace, plan id)."""
    from app.services.reference import ensure_plan
    from app.services.workspace import Workspace

    ws = Workspace(data_dir, lang=lang)
    try:
        plan = ensure_plan(ws)
    except BaseException:
        ws.close()
        raise
    return ws, plan.id


def install_home(window, data_dir: Path, *, prompt_recovery: bool = True) -> HomeScreen:
    """The "tasks" screen of `window`, showing the workspace at data_dir once open.
    `window.workspace` is set when it is (None until then)."""
    home = HomeScreen()
    window.workspace = None
    window.home = home
    was = window.current_screen()
    window.set_screen("tasks", home)
    window.show_screen(was)
    window.screen_changed.connect(lambda key: key == "tasks" and home.refresh())
    from app.ui.navigation import Navigator
    window.navigator = Navigator(window, home)

    def opened(result) -> None:
        ws, plan_id = result
        window.workspace = ws
        home.set_workspace(ws, plan_id, prompt_recovery=prompt_recovery)

    def failed(error: BaseException) -> None:
        log.error("could not open the data folder %s", data_dir, exc_info=error)
        home.status_label.setText(tr("无法打开数据文件夹 {path}：{error}", path=str(data_dir), error=str(error)))

    app = QApplication.instance()
    app.aboutToQuit.connect(lambda: _close(window))  # after ops.shutdown drained the DB queue
    DbOp(open_workspace, Path(data_dir), language()).success(opened).failure(failed).run_in_background()
    return home


def _close(window) -> None:
    ws = getattr(window, "workspace", None)
    if ws is not None:
        window.workspace = None
        ws.close()
