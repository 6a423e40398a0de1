"""Screenshots of every widget, in Chinese and English, written to
artifacts/screenshots/ (look at them), with a check that no button or label
is narrower than its text needs."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from app.ui.app_shell import MainWindow
from app.ui.camera import CameraDialog
from app.ui.pdf_view import PdfView
from app.ui.photo_grid import PhotoGrid
from app.ui.settings_model import SettingsModel
from app.ui.settings_dialog import SettingsDialog
from app.ui.signature_pad import SignaturePad
from app.ui.theme import available_cjk_family


def _cut_off(widget) -> list[str]:
    bad = []
    for w in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        if not w.isVisible() or (isinstance(w, QLabel) and (w.wordWrap() or w.pixmap() and not w.pixmap().isNull())):
            continue
        if w.width() < w.minimumSizeHint().width() - 1:
            bad.append(f"{type(w).__name__} {w.text()!r}: {w.width()} < {w.minimumSizeHint().width()}")
    return bad


def _shoot(qtbot, widget, name, lang, artifacts_dir, size):
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()       # pending layout requests, then grab() paints
    img = widget.grab().toImage()
    path = artifacts_dir / f"{name}_{lang}.png"
    assert img.save(str(path))
    pil = Image.open(path).convert("L")
    assert pil.getextrema()[0] < 100  # something dark (text) was drawn
    assert _cut_off(widget) == [], name


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    from app.ui import i18n
    i18n.set_language(request.param)
    yield request.param


def _pdf(pages=2) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(pages):
        c.setFont("Helvetica-Bold", 24)
        c.drawString(72, 770, f"Sampling form - page {i + 1}")
        c.rect(72, 400, 450, 300)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_screenshots(qtbot, themed, lang, artifacts_dir, tmp_path):
    assert available_cjk_family() is not None  # fonts-wqy-zenhei from scripts/sysdeps.sh
    model = SettingsModel(path=tmp_path / "s.json", data_dir=tmp_path / "data")

    win = MainWindow(model)
    qtbot.addWidget(win)
    win.set_online(False)
    win.set_last_sync(datetime(2022, 10, 9, 9, 5, tzinfo=timezone.utc))
    _shoot(qtbot, win, "main_window", lang, artifacts_dir, (1280, 800))

    dlg = SettingsDialog(model)
    qtbot.addWidget(dlg)
    _shoot(qtbot, dlg, "settings_dialog", lang, artifacts_dir, (680, 560))

    pad = SignaturePad(roles=["抽样人员"] if lang == "zh_CN" else ["Sampler"], allow_refusal=True)
    qtbot.addWidget(pad)
    pad.resize(640, 520)
    pad.show()
    qtbot.waitExposed(pad)
    qtbot.mousePress(pad.canvas, Qt.MouseButton.LeftButton, pos=QPoint(80, 120))
    for x in range(90, 400, 15):
        qtbot.mouseMove(pad.canvas, QPoint(x, 120 + (x % 60) - 30))
    qtbot.mouseRelease(pad.canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 110))
    _shoot(qtbot, pad, "signature_pad", lang, artifacts_dir, (640, 520))
    pad.refuse_check.setChecked(True)
    _shoot(qtbot, pad, "signature_pad_refused", lang, artifacts_dir, (640, 760))

    photos = []
    for i, colour in enumerate(["#8d6e63", "#42a5f5", "#66bb6a"]):
        p = tmp_path / f"p{i}.jpg"
        Image.new("RGB", (800, 600), colour).save(p)
        photos.append(str(p))
    grid = PhotoGrid(["site", "storage", "label", "stock"])
    qtbot.addWidget(grid)
    grid.set_items("site", [("a", photos[0], "IMG_0001.jpg"), ("b", photos[1], "IMG_0002.jpg")])
    grid.set_items("label", [("c", photos[2], "IMG_0003.jpg")])
    grid.set_missing({"storage"})
    qtbot.waitUntil(lambda: grid.sections["site"].thumbnails_loaded() == 2, timeout=5000)
    _shoot(qtbot, grid, "photo_grid", lang, artifacts_dir, (900, 900))

    cam = CameraDialog(save_dir=tmp_path)
    qtbot.addWidget(cam)
    _shoot(qtbot, cam, "camera_dialog", lang, artifacts_dir, (720, 600))

    view = PdfView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.load(_pdf())
    _shoot(qtbot, view, "pdf_view", lang, artifacts_dir, (900, 900))
