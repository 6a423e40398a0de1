"""Click a widget the way a person does: once it is on screen where it is drawn.

QTest delivers the press at the widget's centre, and a button hit-tests its
own rect: a button whose row was just built and not laid out yet (0 px high)
drops the click silently, and the test then waits for something that never
comes. A person scrolls to a button and clicks what is drawn; so does this:
scroll it into view, wait until it is laid out and is what its window
hit-tests at the click point, then click."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea, QWidget


def _scroll_into_view(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(widget):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()


def hit_testable(widget: QWidget, pos: QPoint | None = None) -> bool:
    _scroll_into_view(widget)
    if not (widget.isVisible() and widget.width() > 0 and widget.height() > 0):
        return False
    if widget.isWindow():
        return True
    win = widget.window()
    hit = win.childAt(widget.mapTo(win, pos if pos is not None else widget.rect().center()))
    return hit is widget or (hit is not None and widget.isAncestorOf(hit))


def click(qtbot, widget: QWidget, pos: QPoint | None = None,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: hit_testable(widget, pos), timeout=timeout)
    if pos is None:
        qtbot.mouseClick(widget, button)
    else:
        qtbot.mouseClick(widget, button, pos=pos)
