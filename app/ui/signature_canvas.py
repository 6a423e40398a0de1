"""The drawing surface of a signature: mouse, touch and pen (pen pressure
sets the stroke width). Strokes are kept as points so undo is exact and the
PNG is rendered at a higher resolution than the screen."""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.i18n import tr

Point = tuple[float, float, float]  # x, y, width in widget pixels

BASE_WIDTH = 2.6
INK = QColor("#10204a")


def pressure_width(pressure: float) -> float:
    """Light touch ~1 px, full pressure ~5.5 px."""
    p = min(max(pressure, 0.0), 1.0)
    return BASE_WIDTH * (0.35 + 1.8 * p)


class SignatureCanvas(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, placeholder: str | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[Point]] = []
        self._drawing = False
        self._png: bytes | None = None      # a signature loaded back from the store
        self._placeholder = placeholder if placeholder is not None else tr("请在此处签名")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 160)   # three signers side by side on a 1366x768 laptop
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self._placeholder)

    # --- state -------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self._strokes and self._png is None

    def stroke_count(self) -> int:
        return len(self._strokes)

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
        elif self._png is not None:
            self._png = None
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self._strokes.clear()
        self._png = None
        self.update()
        self.changed.emit()

    def set_png(self, data: bytes | None) -> None:
        """Show a saved signature; to_png() returns it unchanged until cleared."""
        self._strokes.clear()
        self._png = data
        self.update()

    # --- input -------------------------------------------------------------
    def _begin(self, pos: QPointF, width: float) -> None:
        if self._png is not None:      # drawing over a saved signature replaces it
            self._png = None
        self._drawing = True
        self._strokes.append([(pos.x(), pos.y(), width)])
        self.update()

    def _extend(self, pos: QPointF, width: float) -> None:
        if self._drawing:
            last = self._strokes[-1][-1]
            if abs(last[0] - pos.x()) + abs(last[1] - pos.y()) >= 0.5:
                self._strokes[-1].append((pos.x(), pos.y(), width))
                self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            self._begin(e.position(), BASE_WIDTH)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if e.buttons() & Qt.MouseButton.LeftButton:
            self._extend(e.position(), BASE_WIDTH)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._extend(e.position(), BASE_WIDTH)
            self._end()

    def tabletEvent(self, e: QTabletEvent) -> None:
        # accepted, so Qt does not also synthesize mouse events for the pen
        width = pressure_width(e.pressure())
        t = e.type()
        if t == QEvent.Type.TabletPress:
            self._begin(e.position(), width)
        elif t == QEvent.Type.TabletMove:
            self._extend(e.position(), width)
        elif t == QEvent.Type.TabletRelease:
            self._extend(e.position(), width)
            self._end()
        e.accept()

    def event(self, e: QEvent) -> bool:
        t = e.type()
        if t in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = e.points()
            if points:  # one finger writes; others are ignored
                pos = points[0].position()
                if t == QEvent.Type.TouchBegin:
                    self._begin(pos, BASE_WIDTH)
                elif t == QEvent.Type.TouchUpdate:
                    self._extend(pos, BASE_WIDTH)
                else:
                    self._extend(pos, BASE_WIDTH)
                    self._end()
            e.accept()
            return True
        if t == QEvent.Type.TouchCancel:
            self._end()
            return True
        return super().event(e)

    # --- output ------------------------------------------------------------
    def _paint_strokes(self, p: QPainter) -> None:
        pen = QPen(INK)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        for stroke in self._strokes:
            if len(stroke) == 1:
                x, y, w = stroke[0]
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(INK)
                p.drawEllipse(QPointF(x, y), w / 2 + 0.5, w / 2 + 0.5)
                continue
            for (x0, y0, w0), (x1, y1, w1) in zip(stroke, stroke[1:]):
                pen.setWidthF((w0 + w1) / 2)
                p.setPen(pen)
                p.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white") if self.isEnabled() else QColor("#eeeeee"))
        p.setPen(QPen(QColor("#cfd8dc"), 1, Qt.PenStyle.DashLine))
        base_y = self.height() * 0.75
        p.drawLine(QPointF(16, base_y), QPointF(self.width() - 16, base_y))
        if self._png is not None:
            img = QImage.fromData(self._png)
            target = QRectF(img.rect()).toRect()
            target.setSize(img.size().scaled(self.size() * 0.9, Qt.AspectRatioMode.KeepAspectRatio))
            target.moveCenter(self.rect().center())
            p.drawImage(target, img)
        elif not self._strokes:
            p.setPen(QColor("#90a4ae"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
        self._paint_strokes(p)
        p.setPen(QPen(QColor("#b0bec5"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def to_png(self, scale: float = 3.0, margin: float = 8.0, max_side: int = 2400) -> bytes | None:
        """PNG bytes on white, trimmed to the ink plus a margin; None if empty."""
        if self._png is not None and not self._strokes:
            return self._png
        if not self._strokes:
            return None
        pts = [pt for s in self._strokes for pt in s]
        pad = max(w for _, _, w in pts) / 2 + margin
        left = min(x for x, _, _ in pts) - pad
        top = min(y for _, y, _ in pts) - pad
        width = max(x for x, _, _ in pts) + pad - left
        height = max(y for _, y, _ in pts) + pad - top
        scale = min(scale, max_side / max(width, height))
        img = QImage(max(1, round(width * scale)), max(1, round(height * scale)), QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(scale, scale)
        p.translate(-left, -top)
        self._paint_strokes(p)
        p.end()
        buf = QByteArray()
        dev = QBuffer(buf)
        dev.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(dev, "PNG")
        return bytes(buf.data())
