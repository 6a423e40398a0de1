"""The real app (app.ui.main.start_gui) on an X display, for the real-window
test: real window, real input from xdotool. The only addition is a probe
that answers the test's questions about what is on screen (where a widget
is, which dialogs are open and where their buttons are, what a field
holds), one JSON line per command read from stdin. It never clicks or
types: all input comes from outside, through the X server.

    python -m tests.ui.real_window_child DATA_DIR CONFIG_DIR"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path


def _rect(w) -> dict:
    from PySide6.QtCore import QPoint
    p = w.mapToGlobal(QPoint(0, 0))
    return {"x": p.x(), "y": p.y(), "w": w.width(), "h": w.height()}


def _find(name: str):
    """`objectName[:attribute]` of a visible widget in any window."""
    from PySide6.QtWidgets import QApplication, QWidget
    name, _, attr = name.partition(":")
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        found = [top] if top.objectName() == name else []
        found += [w for w in top.findChildren(QWidget, name) if w.isVisible()]
        for w in found:
            w = getattr(w, attr) if attr else w
            if w.isVisible():
                return w
    return None


def _value(w):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QAbstractButton) and w.isCheckable():
        return w.isChecked()
    if isinstance(w, (QLineEdit, QLabel, QAbstractButton)):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    return None


def answer(cmd: str, window) -> object:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QScrollArea
    verb, _, arg = cmd.partition(" ")
    if verb == "where":
        w = _find(arg)
        return _rect(w) if w is not None else None
    if verb == "value":
        w = _find(arg)
        return _value(w) if w is not None else None
    if verb == "enabled":
        w = _find(arg)
        return bool(w is not None and w.isEnabled())
    if verb == "focus":
        f = QApplication.focusWidget()
        return f.objectName() if f is not None else None
    if verb == "dialogs":
        out = []
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and isinstance(top, QDialog):
                buttons = [dict(_rect(b), text=b.text()) for b in top.findChildren(QAbstractButton)
                           if b.isVisibleTo(top) and b.width() > 0]
                fg = top.frameGeometry()
                out.append({"class": type(top).__name__, "name": top.objectName(), "title": top.windowTitle(),
                            "frame": {"x": fg.x(), "y": fg.y(), "w": fg.width(), "h": fg.height()},
                            "buttons": buttons})
        return out
    if verb == "button":                       # a dialog's button by its text
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and isinstance(top, QDialog):
                for b in top.findChildren(QAbstractButton):
                    if b.isVisible() and b.text().replace("&", "") == arg:
                        return _rect(b)
        return None
    if verb == "state":
        wiz = window.screens.get("visit")
        st = getattr(wiz, "state", None)
        return {"screen": window.current_screen(), "message": window.message_label.text(),
                "step": st.step.value if st else None, "status": st.visit.status.value if st else None,
                "busy": not wiz.is_idle() if hasattr(wiz, "is_idle") else False,
                "missing": wiz.missing_texts() if hasattr(wiz, "missing_texts") else [],
                "marks": wiz.sidebar_marks() if hasattr(wiz, "sidebar_marks") else {},
                "home_loaded": getattr(getattr(window, "home", None), "data", None) is not None}
    if verb == "table":                        # cell texts and row rects of a table view
        view = _find(arg)
        m = view.model()
        rows = []
        for r in range(m.rowCount()):
            rect = view.visualRect(m.index(r, 0))
            p = view.viewport().mapToGlobal(rect.center())
            rows.append({"cells": [m.data(m.index(r, c)) for c in range(m.columnCount())],
                         "x": p.x(), "y": p.y()})
        return rows
    if verb == "sidebar":                      # the step list's item for a step
        wiz = window.screens["visit"]
        for i in range(wiz.sidebar.count()):
            item = wiz.sidebar.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == arg:
                c = wiz.sidebar.viewport().mapToGlobal(wiz.sidebar.visualItemRect(item).center())
                return {"x": c.x(), "y": c.y()}
        return None
    if verb == "visible":                      # is the widget wholly in view (every scroll area around it)?
        from PySide6.QtCore import QRect
        w = _find(arg)
        if w is None:
            return None
        r = _rect(w)
        g = w.window().geometry()
        view, page = QRect(g), None
        area = w.parentWidget()
        while area is not None:
            if isinstance(area, QScrollArea):
                v = _rect(area.viewport())
                page = v                       # the outermost one is the page: wheel there
                view = view.intersected(QRect(v["x"], v["y"], v["w"], v["h"]))
            area = area.parentWidget()
        wr = QRect(r["x"], r["y"], r["w"], r["h"])
        page = page or {"x": g.x(), "y": g.y(), "w": g.width(), "h": g.height()}
        return {"rect": r, "page": page, "inside": view.contains(wr),
                "below": wr.center().y() > page["y"] + page["h"] // 2}
    if verb == "popup_item":                   # a row of the open drop-down list
        from PySide6.QtWidgets import QAbstractItemView
        popup = QApplication.activePopupWidget()
        views = popup.findChildren(QAbstractItemView) if popup is not None else []
        for view in views:
            m = view.model()
            for r in range(m.rowCount()):
                if m.data(m.index(r, 0)) == arg:
                    rect = view.visualRect(m.index(r, 0))
                    p = view.viewport().mapToGlobal(rect.topLeft())
                    return {"x": p.x(), "y": p.y(), "w": rect.width(), "h": rect.height()}
        return None
    if verb == "scroll":                       # the vertical scroll position of the page holding a widget
        w = _find(arg)
        while w is not None and not isinstance(w, QScrollArea):
            w = w.parentWidget()
        return w.verticalScrollBar().value() if w is not None else None
    if verb == "photos":                       # photos shown in a category on the current page
        wiz = window.screens["visit"]
        grids = [g for g in wiz.page.findChildren(QScrollArea, "photo_grid") if arg in g.sections]
        return len(grids[0].sections[arg].evidence_ids()) if grids else None
    if verb == "categories":                   # the photo categories the current page asks for
        wiz = window.screens["visit"]
        return [c for g in wiz.page.findChildren(QScrollArea, "photo_grid") if g.isVisibleTo(wiz.page)
                for c in g.sections]
    if verb == "ops":
        from app.ui import ops
        return ops.pending()
    if verb == "quit":
        window.close()
        QApplication.instance().quit()
        return True
    raise ValueError(f"unknown command {cmd!r}")


def main_window():
    from PySide6.QtWidgets import QApplication

    from app.ui.app_shell import MainWindow
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def main(data: str, config: str) -> int:
    import keyring
    from PySide6.QtCore import QObject, Qt, Signal, Slot

    from app.services.keyring_setup import MemoryKeyring
    from app.ui.main import start_gui
    from app.ui.settings_model import SettingsModel

    keyring.set_keyring(MemoryKeyring())      # seals are signed; no OS keyring on a test display

    class Bridge(QObject):
        """Lives on the GUI thread: commands read on the stdin thread are
        answered there (queued)."""
        ask = Signal(str)

        def __init__(self) -> None:
            super().__init__()
            self.ask.connect(self.run, Qt.ConnectionType.QueuedConnection)

        @Slot(str)
        def run(self, cmd: str) -> None:
            try:
                window = main_window()
                out = {"ok": answer(cmd, window)} if window is not None else {"error": "no window yet"}
            except Exception as e:  # noqa: BLE001 - reported to the test
                out = {"error": f"{type(e).__name__}: {e}"}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()

    bridge = Bridge()

    def listen() -> None:
        for line in sys.stdin:
            bridge.ask.emit(line.strip())

    threading.Thread(target=listen, daemon=True).start()
    model = SettingsModel(path=Path(config) / "settings.json", data_dir=Path(data))
    return start_gui(Path(data), language="zh_CN", settings_model=model)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
