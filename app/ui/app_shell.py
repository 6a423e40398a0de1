"""QApplication bootstrap and the main window shell.

The shell has a toolbar, a status bar with the connectivity indicator and
last-sync time, and a stacked central area with one slot per screen
("tasks", "visit", "sync"). The screens that need the services layer are
placeholders until it lands: set_screen() swaps the real widget in."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

# Not `Qt` here: the first import of the Qt namespace builds its ~100 enum
# classes (~12 ms), a tenth of a cold start. The shell gets by without it;
# the screens installed after the window is shown pay for it.
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QToolBar, QWidget

from app import settings_file as store
from app.ui import i18n
from app.ui.i18n import tr
from app.ui.settings_model import SettingsModel
from app.ui.theme import STATUS_COLORS, apply_theme

if TYPE_CHECKING:
    from datetime import datetime

def _log():
    import logging  # deferred: a few ms of start-up; only needed when something goes wrong
    return logging.getLogger(__name__)

SCREENS = ("tasks", "visit", "sync")
LOG_FILE = "field-sampler.log"


def setup_logging(log_dir: Path | None = None) -> Path:
    """A rotating log in the user log folder (5 x 2 MB); never secrets."""
    from logging.handlers import RotatingFileHandler  # deferred: start-up time (runs after show)

    log_dir = log_dir or store.log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    import logging
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


class ExceptHook:
    """Log an unexpected error and tell the user, without quitting: what was
    saved stays saved, and the window with unsaved input stays open."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.shown = 0
        self._showing = False

    def __call__(self, etype, value, tb) -> None:
        import traceback

        _log().critical("unhandled exception:\n%s", "".join(traceback.format_exception(etype, value, tb)))
        app = QApplication.instance()
        if app is None or self._showing:
            return  # no GUI, or an error while the box is up: logged is enough
        self._showing = True
        try:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(app.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(tr("程序错误"))
            box.setText(tr("程序发生了意外错误。已保存的内容不会丢失，您可以继续工作。"))
            box.setInformativeText(tr("错误信息：{error}\n详细记录见日志：{path}",
                                      error=f"{etype.__name__}: {value}", path=self.log_path))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(self._closed)
            box.open()
            self.shown += 1
        except Exception:  # noqa: BLE001 - the hook must never raise
            _log().exception("could not show the error dialog")
            self._showing = False

    def _closed(self, _result: int) -> None:
        self._showing = False


def _shutdown_ops() -> None:
    ops = sys.modules.get("app.ui.ops")   # never imported: nothing ran, nothing to drain
    if ops is not None:
        ops.shutdown()


def create_app(argv: list[str] | None = None, language: str | None = None, *,
               qt_translations: bool = True, guards: bool = True) -> QApplication:
    """The QApplication with theme and language (settings, or `language`).
    qt_translations=False leaves Qt's own catalog (standard dialog buttons)
    to the caller, who loads it once the window is shown; guards=False
    leaves the app-wide guards to the caller too (install_guards): a Python
    event filter on the application makes PySide6 build the Python type of
    every class whose objects get an event, ~40 ms before the first window
    could show. Nothing they guard (combo boxes, dialogs) exists before."""
    app = QApplication.instance()
    made_here = app is None
    if made_here:   # Fusion from the start: the same look on Windows and Linux, and it honours the sheet
        app = QApplication([*(argv if argv is not None else sys.argv), "-style", "Fusion"])
    app.setApplicationName("Field Sampler")
    app.setApplicationDisplayName("")
    app.setOrganizationName("field-sampler")
    i18n.set_language(language or store.load().language)
    if qt_translations:
        i18n.install_qt_translations(app)
    apply_theme(app, fusion=not made_here)
    if guards:
        install_guards(app)
    app.aboutToQuit.connect(_shutdown_ops)  # let queued DB writes finish
    return app


def install_guards(app: QApplication) -> None:
    from app.ui import guards
    guards.install(app)   # wheel, touch-size drop-downs, dialogs on screen


class ConnectivityIndicator(QWidget):
    """● 在线 / ● 离线 / ● 未配置服务器 in the status bar: a coloured dot and
    the word. Plain text, not a rich-text label: the first rich text of a
    process sets up Qt's HTML machinery (~25 ms of the cold start)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QHBoxLayout
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.dot = QLabel("●")
        self.dot.setObjectName("connectivity_dot")
        self.label = QLabel()
        # The status bar pads its labels 8 px each side: here the dot and its
        # word are one item, padded outside only (app.ui.theme's sheet, by
        # object name: a sheet of its own per widget costs start-up time).
        self.label.setObjectName("connectivity_word")
        row.addWidget(self.dot)
        row.addWidget(self.label)
        self.color = STATUS_COLORS["offline"]   # the sheet's colour for the dot
        self.set_online(None)

    def set_online(self, online: bool | None) -> None:
        self.online = online
        if online is None:
            color, text = STATUS_COLORS["offline"], tr("未配置服务器")
        elif online:
            color, text = STATUS_COLORS["online"], tr("在线")
        else:
            color, text = STATUS_COLORS["offline"], tr("离线")
        if color != self.color:
            self.color = color
            self.dot.setStyleSheet(f"color: {color};")   # size and padding: the app sheet
        self.label.setText(text)

    def text(self) -> str:
        return f"● {self.label.text()}"


def placeholder(text: str) -> QLabel:
    """A clearly marked empty slot for a screen that needs the services layer."""
    lab = QLabel(text)
    lab.setObjectName("placeholder")
    lab.setWordWrap(True)   # looks: app.ui.theme's sheet, #placeholder
    return lab


DEFAULT_SIZE = (1280, 800)


def restore_geometry(w: QWidget, saved) -> bool:
    """Size and place the main window inside the screen's available area,
    frame included: as last time if that still fits (shrunk if this screen
    is smaller), else DEFAULT_SIZE shrunk to fit and centred. Returns
    whether it was maximised (show it so)."""
    from PySide6.QtCore import QRect

    from app.ui.screen_fit import fit_rect, window_room
    room = window_room(w)
    rect = QRect()
    if isinstance(saved, dict):
        try:
            rect = QRect(int(saved["x"]), int(saved["y"]), int(saved["w"]), int(saved["h"]))
        except (KeyError, TypeError, ValueError):
            rect = QRect()
    if rect.isEmpty() or not room.intersects(rect):
        rect = QRect(0, 0, *DEFAULT_SIZE)
        rect.moveCenter(room.center())
    w.setGeometry(fit_rect(rect, room))
    return bool(isinstance(saved, dict) and saved.get("maximized"))


def geometry_state(w: QWidget) -> dict:
    g = w.normalGeometry() if w.isMaximized() and not w.normalGeometry().isEmpty() else w.geometry()
    return {"x": g.x(), "y": g.y(), "w": g.width(), "h": g.height(), "maximized": w.isMaximized()}


class MainWindow(QMainWindow):
    screen_changed = Signal(str)
    new_visit_requested = Signal()
    sync_requested = Signal()

    def __init__(self, model: SettingsModel | None = None) -> None:
        super().__init__()
        self.settings_model = model or SettingsModel()
        self.setWindowTitle(tr("抽样助手"))
        self.setMinimumSize(960, 600)
        from app.ui import ui_state
        self.ui_state = ui_state.use(ui_state.default_path(self.settings_model.path))
        self.start_maximized = restore_geometry(self, self.ui_state.get("window"))
        self._messages: dict[str, str] = {}

        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        # PLACEHOLDERS until the real screens are put in (app.ui.home.startup
        # installs "tasks" right after the window is shown): no fake data
        self.set_screen("tasks", placeholder(tr("正在读取本机数据…")))
        self.set_screen("visit", placeholder(tr("当前没有打开的抽样。请在“任务”页选择任务开始抽样。")))
        self.set_screen("sync", placeholder(tr("正在读取本机数据…")))
        self.setCentralWidget(self.stack)

        bar = QToolBar(tr("主工具栏"))
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)      # text-only buttons: the actions have no icons
        self.actions: dict[str, QAction] = {}
        for key, text in (("tasks", tr("任务")), ("visit", tr("当前抽样")), ("sync", tr("同步"))):
            act = self._action(text, checkable=True)
            act.triggered.connect(lambda _c=False, k=key: self.show_screen(k))
            bar.addAction(act)
            bar.widgetForAction(act).setObjectName(f"main_{key}")
            self.actions[key] = act
        bar.addSeparator()
        self.actions["settings"] = self._action(tr("设置"))
        self.actions["settings"].triggered.connect(self.open_settings)
        bar.addAction(self.actions["settings"])
        self.addToolBar(bar)

        self.connectivity = ConnectivityIndicator()
        self.last_sync_label = QLabel()
        self.set_last_sync(None)
        self.message_label = QLabel()
        self.statusBar().addWidget(self.message_label, 1)
        self.statusBar().addPermanentWidget(self.last_sync_label)
        self.statusBar().addPermanentWidget(self.connectivity)
        self.show_screen("tasks")

    def _action(self, text: str, *, checkable: bool = False) -> QAction:
        """QAction(self), then its text: the (text, parent) constructor makes
        PySide6 weigh the (icon, text, parent) overload, which builds QIcon's
        enums (~4 ms of the cold start) for a toolbar that has no icons."""
        act = QAction(self)
        act.setText(text)
        act.setCheckable(checkable)
        return act

    def set_screen(self, key: str, widget: QWidget) -> None:
        """Put the real screen for `key` in place of what was there."""
        old = self.screens.get(key)
        index = self.stack.indexOf(old) if old is not None else -1
        if index >= 0:
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.insertWidget(index, widget)
        else:
            self.stack.addWidget(widget)
        self.screens[key] = widget

    def show_screen(self, key: str) -> None:
        self.stack.setCurrentWidget(self.screens[key])
        for k in SCREENS:
            self.actions[k].setChecked(k == key)
        self.screen_changed.emit(key)

    def current_screen(self) -> str:
        w = self.stack.currentWidget()
        return next(k for k, v in self.screens.items() if v is w)

    def set_online(self, online: bool | None) -> None:
        self.connectivity.set_online(online)

    def set_last_sync(self, when: datetime | None) -> None:
        if when is None:
            text = tr("从未同步")
        else:
            from app.domain.times import china_text   # datetime: not needed before the first sync
            text = china_text(when)
        self.last_sync_label.setText(tr("上次同步：{time}", time=text))

    def show_message(self, text: str, context: str = "") -> None:
        """A status-bar message; one with a `context` (e.g. "visit") goes when
        clear_message(context) says that context is over."""
        self._messages = {context: text}
        self.message_label.setText(text)

    def clear_message(self, context: str) -> None:
        if context in self._messages:
            self._messages.clear()
            self.message_label.setText("")

    def show_restored(self) -> None:
        """Show at the remembered size, maximised if it was."""
        self.showMaximized() if self.start_maximized else self.show()

    def closeEvent(self, e) -> None:  # noqa: N802 - Qt naming
        self.ui_state.set("window", geometry_state(self), now=True)
        super().closeEvent(e)

    def open_settings(self):
        from PySide6.QtCore import Qt

        from app.ui.settings_dialog import SettingsDialog  # loaded when first needed

        dlg = SettingsDialog(self.settings_model, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(self._settings_saved)
        dlg.open()
        return dlg

    def _settings_saved(self) -> None:
        if self.settings_model.restart_needed():
            self.show_message(tr("界面语言在重新启动后生效"))
