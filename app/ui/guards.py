"""App-wide input and window guards: one event filter on the QApplication,
so every widget of the app gets them, including ones made later by other
modules and Qt's own dialogs.

- The mouse wheel over a combo box or spin box that does not have the
  keyboard focus scrolls the page under it instead of changing the value
  (a sampler scrolling the form must never change 油品牌号 by accident).
  Such widgets take the focus on a click or Tab only, not on the wheel.
- Combo box drop-down rows are touch-size (at least ROW_MIN px high).
- Every dialog fits the available geometry of its screen when it is shown,
  so its buttons are on screen on a 1366x768 laptop.

install(app) is called by create_app(); it is idempotent."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QDialog, QStyledItemDelegate, QWidget

ROW_MIN = 36          # px: drop-down rows a finger can hit (the issue asks for >= 32)
_GUARDED = (QComboBox, QAbstractSpinBox)
_WHEEL, _POLISH, _SHOW = QEvent.Type.Wheel, QEvent.Type.Polish, QEvent.Type.Show
_WATCHED = frozenset((_WHEEL, _POLISH, _SHOW))


class TouchRowDelegate(QStyledItemDelegate):
    """Drop-down rows at least ROW_MIN high, whatever the style says."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt naming
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), ROW_MIN))
        return size


def available_rect(w: QWidget) -> QRect:
    """The available geometry (without task bars) of the screen `w` is on."""
    screen = w.screen() or QApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(w: QWidget) -> None:
    """Shrink a top-level window to the available screen area and move it
    fully inside it (title bar included when the frame is known)."""
    avail = available_rect(w)
    frame = w.frameGeometry()
    extra_w = max(0, frame.width() - w.width())
    extra_h = max(0, frame.height() - w.height())
    if not extra_h:
        # The window manager's frame is not known (yet): leave room for a
        # title bar so the buttons stay on screen.
        extra_h = w.style().pixelMetric(w.style().PixelMetric.PM_TitleBarHeight)
    max_w, max_h = avail.width() - extra_w, avail.height() - extra_h
    if w.minimumWidth() > max_w or w.minimumHeight() > max_h:
        w.setMinimumSize(min(w.minimumWidth(), max_w), min(w.minimumHeight(), max_h))
    if w.width() > max_w or w.height() > max_h:
        w.resize(min(w.width(), max_w), min(w.height(), max_h))
    x = min(max(w.x(), avail.left()), avail.right() + 1 - w.width() - extra_w)
    y = min(max(w.y(), avail.top()), avail.bottom() + 1 - w.height() - extra_h)
    if (x, y) != (w.x(), w.y()):
        w.move(x, y)


def _touch_combo(combo: QComboBox) -> None:
    if combo.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if not isinstance(combo.itemDelegate(), TouchRowDelegate):
        combo.setItemDelegate(TouchRowDelegate(combo))


class AppGuard(QObject):
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt naming
        t = ev.type()
        if t not in _WATCHED:
            return False
        if t == _WHEEL:
            if isinstance(obj, _GUARDED) and not obj.hasFocus():
                # Not handled here: QApplication passes an ignored wheel
                # event on to the parent (the scroll area of the page).
                ev.ignore()
                return True
        elif t == _POLISH:
            if isinstance(obj, QComboBox):
                _touch_combo(obj)
            elif isinstance(obj, QAbstractSpinBox) and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif isinstance(obj, QDialog) and obj.isWindow():
            fit_to_screen(obj)
        return False


def install(app: QApplication) -> AppGuard:
    guard = getattr(app, "_field_sampler_guard", None)
    if guard is None:
        guard = AppGuard(app)
        app.installEventFilter(guard)
        app._field_sampler_guard = guard   # one per application
    return guard


def installed(app: QApplication) -> bool:
    return getattr(app, "_field_sampler_guard", None) is not None
