"""Put the real home screen into the main window and open the workspace on
the DB worker (SQLAlchemy, Alembic and the migration check cost a few hundred
milliseconds: never on the GUI thread, never before the window is shown)."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.home.screen import HomeScreen
from app.ui.i18n import language, tr
from app.ui.ops import DbOp

log = logging.getLogger(__name__)


def open_workspace(data_dir: Path, lang: str, held: dict):
    """Runs on the DB worker: write this session's marker (after reading the
    ones earlier sessions left), open (and migrate) the local store, make
    sure the packaged plan is there. Returns (workspace, plan id, previous
    sessions); held["session"] is set first, so a quit ends it in any case."""
    from app.services import session_marker
    from app.services.reference import ensure_plan
    from app.services.workspace import Workspace

    held["session"], previous = session_marker.start(data_dir)
    ws = Workspace(data_dir, lang=lang)
    try:
        plan = ensure_plan(ws)
    except BaseException:
        ws.close()
        raise
    return ws, plan.id, previous


def install_home(window, data_dir: Path, *, prompt_recovery: bool = True) -> HomeScreen:
    """The "tasks" screen of `window`, showing the workspace at data_dir once open.
    `window.workspace` is set when it is (None until then). prompt_recovery:
    offer to continue an unfinished visit if the last session on this data
    folder ended abnormally (its marker is still there)."""
    home = HomeScreen()
    window.workspace = None
    window.home = home
    was = window.current_screen()
    window.set_screen("tasks", home)
    window.show_screen(was)
    window.screen_changed.connect(lambda key: key == "tasks" and home.refresh())
    from app.ui.navigation import Navigator
    window.navigator = Navigator(window, home)
    held: dict = {}

    def opened(result) -> None:
        ws, plan_id, previous = result
        window.workspace = ws
        if previous.running:
            log.warning("data folder %s also open in process %s", data_dir, previous.running[0].pid)
            window.show_message(tr("此数据文件夹正被另一个抽样助手窗口使用（进程 {pid}）。"
                                   "请只保留一个窗口，以免两边的修改互相覆盖。", pid=previous.running[0].pid))
        if previous.crashed:
            log.warning("the last session on %s ended abnormally (open visit: %s)",
                        data_dir, previous.open_visit)
            from app.services import session_marker   # loaded already, on the DB worker
            # the prompt is decided on the first load; then the old markers have done their job
            home.loaded.connect(lambda: DbOp(session_marker.forget, previous.crashed).run_in_background(),
                                Qt.ConnectionType.SingleShotConnection)
        home.set_workspace(ws, plan_id, prompt_recovery=prompt_recovery and bool(previous.crashed),
                           prefer=previous.open_visit)

    def failed(error: BaseException) -> None:
        log.error("could not open the data folder %s", data_dir, exc_info=error)
        home.status_label.setText(tr("无法打开数据文件夹 {path}：{error}", path=str(data_dir), error=str(error)))

    app = QApplication.instance()
    app.aboutToQuit.connect(lambda: _close(window, held))  # after ops.shutdown drained the DB queue
    DbOp(open_workspace, Path(data_dir), language(), held).success(opened).failure(failed).run_in_background()
    return home


def _close(window, held: dict) -> None:
    ws = getattr(window, "workspace", None)
    if ws is not None:
        window.workspace = None
        ws.close()
    session = held.pop("session", None)
    if session is not None:
        session.end()   # a clean quit: no recovery prompt next time
