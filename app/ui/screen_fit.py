"""Where a top-level window may go: the screen's available area, frame
included. Its own module, light to import: the main window is placed with
it before it is shown (cold start), the app-wide guards (app.ui.guards)
use it for every dialog afterwards."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget

TITLE_BAR_GUESS = 32   # px


def available_rect(w: QWidget) -> QRect:
    """The available geometry (without task bars) of the screen `w` is on."""
    screen = w.screen() or QApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(w: QWidget) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of the window frame; before the window
    manager has framed it, room for a title bar and thin borders."""
    fg, g = w.frameGeometry(), w.geometry()
    if fg != g:
        return g.left() - fg.left(), g.top() - fg.top(), fg.right() - g.right(), fg.bottom() - g.bottom()
    # A guess until then: a title bar is ~30 px on Windows and the common
    # Linux desktops at 100 %. (Not QStyle's PM_TitleBarHeight, which is Qt's
    # own MDI title bar, no better a guess, and costs the cold start ~7 ms:
    # the first QStyle seen from Python builds all its enums.)
    return 4, TITLE_BAR_GUESS, 4, 4


def fit_rect(rect: QRect, room: QRect) -> QRect:
    """`rect` shrunk to `room` if larger, then moved fully inside it."""
    out = QRect(rect)
    out.setWidth(min(out.width(), room.width()))
    out.setHeight(min(out.height(), room.height()))
    out.moveLeft(min(max(out.left(), room.left()), room.right() + 1 - out.width()))
    out.moveTop(min(max(out.top(), room.top()), room.bottom() + 1 - out.height()))
    return out


def window_room(w: QWidget) -> QRect:
    """Where the client area of top-level `w` may be, frame included on screen."""
    left, top, right, bottom = frame_margins(w)
    return available_rect(w).adjusted(left, top, -right, -bottom)
