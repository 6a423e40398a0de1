"""Signature pad: real mouse, pen and touch events; PNG decoded with Pillow."""
from __future__ import annotations

import io

from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from app.ui.signature_pad import SignaturePad
from tests.ui.clicking import click


def _pad(qtbot, **kw) -> SignaturePad:
    pad = SignaturePad(roles=["抽样人员", "受检单位负责人"], **kw)
    qtbot.addWidget(pad)
    pad.resize(640, 520)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def _drag(qtbot, widget, points):
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(widget, QPoint(*p))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def _decode(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _dark(img, box) -> int:
    return sum(1 for v in img.crop(box).tobytes() if v < 100)


def test_empty_pad_reports_empty_and_exports_nothing(qtbot):
    pad = _pad(qtbot)
    assert pad.is_empty() and pad.canvas.is_empty()
    assert pad.result().png is None and not pad.result().has_signature


def test_mouse_strokes_export_trimmed_png_with_ink_where_drawn(qtbot, type_text):
    pad = _pad(qtbot)
    type_text(pad.name_edit, "张三")
    c = pad.canvas
    # an "L": down the left side, then along the bottom
    _drag(qtbot, c, [(60, 30)] + [(60, y) for y in range(40, 131, 10)])
    _drag(qtbot, c, [(60, 130)] + [(x, 130) for x in range(70, 261, 10)])
    assert c.stroke_count() == 2 and not pad.is_empty()
    r = pad.result()
    assert r.signer_name == "张三" and r.role == "抽样人员"
    img = _decode(r.png)
    w, h = img.size
    assert w >= 400 and h >= 200          # rendered above screen resolution
    assert img.getpixel((w - 2, 2)) > 240  # white background, corner untouched
    assert w / h > 1.5                     # trimmed to the ink: 200 x 100 px drawn
    assert _dark(img, (0, 0, w // 6, h)) > 50             # the vertical stroke, at the left
    assert _dark(img, (0, h - h // 5, w, h)) > 100        # the horizontal stroke, at the bottom
    assert _dark(img, (w // 3, 0, w, h // 2)) == 0        # nothing drawn top right


def test_undo_and_clear(qtbot):
    pad = _pad(qtbot)
    c = pad.canvas
    _drag(qtbot, c, [(40, 40), (140, 60)])
    _drag(qtbot, c, [(40, 90), (140, 110)])
    one_stroke_later = c.to_png()
    click(qtbot, pad.canvas_box.findChild(QPushButton, "undo"))
    assert c.stroke_count() == 1 and c.to_png() != one_stroke_later
    click(qtbot, pad.canvas_box.findChild(QPushButton, "clear"))
    assert c.is_empty() and pad.result().png is None


def _pen(widget, kind, pos, pressure, device):
    ev = QTabletEvent(kind, device, QPointF(*pos), widget.mapToGlobal(QPointF(*pos)), pressure,
                      0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                      Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton)
    QApplication.sendEvent(widget, ev)


def _pen_line(widget, y, pressure, device):
    _pen(widget, QEvent.Type.TabletPress, (40, y), pressure, device)
    for x in range(50, 301, 10):
        _pen(widget, QEvent.Type.TabletMove, (x, y), pressure, device)
    _pen(widget, QEvent.Type.TabletRelease, (300, y), pressure, device)


def test_pen_pressure_sets_stroke_width(qtbot):
    device = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus,
                             QPointingDevice.PointerType.Pen,
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                             1, 3)
    widths = {}
    for pressure in (0.1, 1.0):
        pad = _pad(qtbot)
        _pen_line(pad.canvas, 80, pressure, device)
        assert pad.canvas.stroke_count() == 1
        img = _decode(pad.canvas.to_png())
        column = img.crop((img.width // 2, 0, img.width // 2 + 1, img.height))
        widths[pressure] = sum(1 for v in column.tobytes() if v < 128)
    assert widths[1.0] > 2.5 * widths[0.1] > 0


def test_touch_draws(qtbot):
    pad = _pad(qtbot)
    dev = QTest.createTouchDevice()
    c = pad.canvas
    # touch points in window coordinates (QTest maps nested widgets wrongly offscreen)
    at = lambda x, y: c.mapTo(pad, QPoint(x, y))  # noqa: E731
    QTest.touchEvent(pad, dev).press(0, at(50, 50)).commit()
    for x in range(60, 200, 10):
        QTest.touchEvent(pad, dev).move(0, at(x, 70)).commit()
    QTest.touchEvent(pad, dev).release(0, at(200, 70)).commit()
    assert c.stroke_count() == 1 and not c.is_empty()
    img = _decode(c.to_png())
    assert _dark(img, (0, 0) + img.size) > 100


def test_refusal_with_witness(qtbot, type_text):
    pad = _pad(qtbot, allow_refusal=True)
    _drag(qtbot, pad.canvas, [(40, 40), (140, 60)])
    click(qtbot, pad.refuse_check, pos=QPoint(12, pad.refuse_check.height() // 2))
    assert pad.refuse_check.isChecked() and pad.refusal_box.isVisible() and not pad.canvas.isVisible()
    type_text(pad.reason_edit, "负责人拒绝在抽样单上签字")
    type_text(pad.witness_name, "李四")
    qtbot.keyClicks(pad.witness_id, "140102199001011234")
    pad.resize(640, 900)
    _drag(qtbot, pad.witness_canvas, [(30, 30), (150, 80), (250, 40)])
    r = pad.result()
    assert r.refused and r.png is None and not pad.is_empty()
    assert r.refusal_reason == "负责人拒绝在抽样单上签字"
    assert (r.witness_name, r.witness_id) == ("李四", "140102199001011234")
    img = _decode(r.witness_png)
    assert _dark(img, (0, 0) + img.size) > 50


def test_saved_signature_survives_reload(qtbot):
    pad = _pad(qtbot)
    _drag(qtbot, pad.canvas, [(40, 40), (140, 60)])
    saved = pad.result()
    again = _pad(qtbot)
    again.load(saved)
    assert again.result().png == saved.png and not again.is_empty()
