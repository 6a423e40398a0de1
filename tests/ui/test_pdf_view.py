"""PDF preview/print/export with a real PDF made by reportlab, parsed back
with pypdf."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from app.ui.pdf_view import PdfPreviewDialog, PdfView
from tests.ui.clicking import click


def make_pdf(pages: int, size=A4) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    for i in range(pages):
        c.setFont("Helvetica", 28)
        c.drawString(72, size[1] - 100, f"Page {i + 1}")
        c.rect(72, 72, 200, 200, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def view(qtbot) -> PdfView:
    v = PdfView()
    qtbot.addWidget(v)
    v.resize(800, 900)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_viewer_shows_every_page(qtbot, view):
    assert not view.print_button.isEnabled()
    with qtbot.waitSignal(view.rendered, timeout=10000) as sig:
        view.load(make_pdf(3), "test.pdf")
    assert sig.args == [3]
    assert view.page_count() == 3
    assert view.print_button.isEnabled() and view.export_button.isEnabled()
    assert view.status.text() == "共3页"
    first = view._labels[0].pixmap().toImage()
    assert first.width() > 300 and first.height() / first.width() == pytest.approx(842 / 595, rel=0.02)


def test_print_to_pdf_printer_keeps_page_count_and_size(qtbot, view, tmp_path):
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.load(make_pdf(3))
    out = tmp_path / "printed.pdf"
    printer = view.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(150)
    with qtbot.waitSignal(view.printed, timeout=20000) as sig:
        view.print_to(printer)
    assert sig.args == [3]
    reader = PdfReader(str(out))
    assert len(reader.pages) == 3
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=2)
    assert float(box.height) == pytest.approx(841.9, abs=2)
    # the ink is there and in place: the filled square sits bottom left
    import pypdfium2 as pdfium
    img = pdfium.PdfDocument(out.read_bytes())[0].render(scale=1).to_pil().convert("L")
    assert img.getpixel((150, 842 - 150)) < 60 and img.getpixel((450, 842 - 150)) > 200


def test_landscape_page_prints_landscape(qtbot, view, tmp_path):
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.load(make_pdf(1, landscape(A4)))
    out = tmp_path / "land.pdf"
    printer = view.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(100)
    with qtbot.waitSignal(view.printed, timeout=20000):
        view.print_to(printer)
    page = PdfReader(str(out)).pages[0]
    box = page.mediabox
    assert float(box.width) > float(box.height)


def test_export_writes_the_same_bytes(qtbot, view, tmp_path):
    data = make_pdf(2)
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.load(data, "抽样单.pdf")
    click(qtbot, view.export_button)
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
    assert dlg.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    target = tmp_path / "out.pdf"
    with qtbot.waitSignal(view.exported, timeout=5000) as sig:
        dlg.selectFile(str(target))
        dlg.accept()
    assert sig.args == [str(target)]
    assert target.read_bytes() == data


def test_broken_pdf_shows_a_message(qtbot, view):
    view.load(b"not a pdf")
    qtbot.waitUntil(lambda: "无法显示此PDF" in view.status.text(), timeout=5000)
    assert view.page_count() == 0 and not view.print_button.isEnabled()


def test_preview_dialog_goes_full_screen(qtbot):
    dlg = PdfPreviewDialog(make_pdf(1), "监督抽查通知书")
    qtbot.addWidget(dlg)
    dlg.show()
    with qtbot.waitSignal(dlg.view.rendered, timeout=10000):
        pass
    click(qtbot, dlg.view.full_button)
    assert dlg.isFullScreen() and dlg.view.full_button.text() == "退出全屏"
    click(qtbot, dlg.view.full_button)
    assert not dlg.isFullScreen()
