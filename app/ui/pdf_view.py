"""Preview, print and export a PDF given as bytes (the forms/ builders'
output). Pages are rasterized with pypdfium2 on a worker thread (QtPdf is not
in PySide6-Essentials). Printing to a PDF file writes the vector PDF itself
(small, exact); a real printer gets the pages rasterized at its resolution
(at most MAX_PRINT_DPI), drawn without any further upscaling, page by page
with each page's own size."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from app.services.files import save_file
from app.ui.i18n import tr
from app.ui.ops import BgOp

PREVIEW_DPI = 120
MAX_PRINT_DPI = 300
# pdfium is not thread-safe: every call into it is serialized
_PDFIUM_LOCK = threading.Lock()


@dataclass
class Page:
    image: QImage
    width_pt: float
    height_pt: float


def render_pdf(data: bytes, dpi: float = PREVIEW_DPI, report=None) -> list[Page]:
    """Worker side: every page as a QImage at `dpi`."""
    import pypdfium2 as pdfium

    pages: list[Page] = []
    with _PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
        try:
            n = len(doc)
            for i in range(n):
                page = doc[i]
                w, h = page.get_size()
                pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
                page.close()
                raw = pil.tobytes()
                img = QImage(raw, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
                pages.append(Page(img, w, h))
                if report:
                    report(i + 1, n)
        finally:
            doc.close()
    return pages


def merge_pdfs(parts: list[tuple[bytes, int]]) -> bytes:
    """Worker side: one PDF of every part repeated `copies` times, in order
    (打印全部 is one print job)."""
    import io

    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        out = pdfium.PdfDocument.new()
        try:
            for data, copies in parts:
                src = pdfium.PdfDocument(data)
                try:
                    for _ in range(copies):
                        out.import_pages(src)
                finally:
                    src.close()
            buf = io.BytesIO()
            out.save(buf)
            return buf.getvalue()
        finally:
            out.close()


def page_size(page: Page) -> QPageSize:
    """The paper in portrait terms (A4 stays A4); orientation goes separately."""
    short, long_ = sorted((page.width_pt, page.height_pt))
    return QPageSize(QSizeF(short, long_), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)


def page_orientation(page: Page) -> QPageLayout.Orientation:
    return (QPageLayout.Orientation.Landscape if page.width_pt > page.height_pt
            else QPageLayout.Orientation.Portrait)


def print_dpi(printer: QPrinter) -> int:
    """Rasterize at the printer's own resolution, never above it (nor above
    MAX_PRINT_DPI: a 1200 dpi laser gains nothing visible on forms)."""
    return max(72, min(printer.resolution(), MAX_PRINT_DPI))


def prints_to_pdf_file(printer: QPrinter) -> bool:
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium
    with _PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
        try:
            return len(doc)
        finally:
            doc.close()


def write_pdf_copy(path: str, data: bytes, copies: int = 1) -> int:
    """Worker side: "print to PDF" of a PDF is the PDF itself (its pages
    repeated for the copies asked). Returns the pages written."""
    if copies > 1:
        data = merge_pdfs([(data, copies)])
    save_file(path, data)
    return page_count(data)


def paint_pages(printer: QPrinter, pages: list[Page]) -> int:
    """GUI side: one printer page per PDF page, each with its own size; the
    copies are repeated here when the printer cannot make them itself. The
    raster is handed to the paint engine as it is (scaled by the device, not
    by us), so the job holds each page at the rendering resolution."""
    if printer.copyCount() > 1 and not printer.supportsMultipleCopies():
        pages = pages * printer.copyCount()
    printer.setFullPage(True)
    painter = QPainter()
    for i, page in enumerate(pages):
        printer.setPageLayout(QPageLayout(page_size(page), page_orientation(page), QMarginsF(0, 0, 0, 0)))
        if i == 0:
            if not painter.begin(printer):
                raise OSError(tr("无法开始打印"))
        else:
            printer.newPage()
        paper = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
        paper.moveTo(0, 0)
        size = QSizeF(page.image.size()).scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(QPointF(0, 0), size), page.image)
    if painter.isActive():
        painter.end()
    return len(pages)


def pages_text(n: int) -> str:
    return tr("共1页") if n == 1 else tr("共{n}页", n=n)


def sent_text(n: int) -> str:
    return tr("已发送1页到打印机") if n == 1 else tr("已发送{n}页到打印机", n=n)


class PdfView(QWidget):
    rendered = Signal(int)   # number of pages shown
    printed = Signal(int)    # number of pages sent to the printer
    exported = Signal(str)   # path written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: bytes = b""
        self._name = "document.pdf"
        self._pages: list[Page] = []
        self._labels: list[QLabel] = []
        self._zoom = 1.0
        self.copies = 1          # how many the print dialog offers first
        self.print_button = QPushButton(tr("打印"))
        self.export_button = QPushButton(tr("导出PDF"))
        zoom_in = QPushButton(tr("放大"))
        zoom_out = QPushButton(tr("缩小"))
        self.full_button = QPushButton(tr("全屏"))
        self.status = QLabel()
        self.status.setObjectName("pdf_status")
        self.print_button.clicked.connect(self.print_document)
        self.export_button.clicked.connect(self.export_pdf)
        zoom_in.clicked.connect(lambda: self.set_zoom(self._zoom * 1.25))
        zoom_out.clicked.connect(lambda: self.set_zoom(self._zoom / 1.25))
        self.full_button.clicked.connect(self.toggle_full_screen)
        bar = QHBoxLayout()
        for w in (self.print_button, self.export_button, zoom_out, zoom_in, self.full_button):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        self.pages_box = QWidget()
        self.pages_box.setStyleSheet("background: #78909c;")
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setSpacing(16)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages_box)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.scroll, 1)
        self._resize_timer = QTimer(self, singleShot=True, interval=120)
        self._resize_timer.timeout.connect(self._layout_pages)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for b in (self.print_button, self.export_button):
            b.setEnabled(not busy and bool(self._pages))

    # --- loading -------------------------------------------------------------
    def load(self, data: bytes, name: str = "document.pdf") -> None:
        self._data, self._name = data, name
        self.status.setText(tr("正在生成预览…"))
        self._set_busy(True)
        BgOp(render_pdf, data).parent(self).success(self._show_pages).failure(self._failed).run_in_background()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(tr("无法显示此PDF：{error}", error=str(error)))

    def _show_pages(self, pages: list[Page]) -> None:
        for lab in self._labels:
            lab.deleteLater()
        self._pages, self._labels = pages, []
        for _ in pages:
            lab = QLabel()
            lab.setStyleSheet("background: white;")
            self.pages_layout.addWidget(lab, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(lab)
        self._layout_pages()
        self.status.setText(pages_text(len(pages)))
        self._set_busy(False)
        self.rendered.emit(len(pages))

    def page_count(self) -> int:
        return sum(1 for lab in self._labels if lab.pixmap() is not None and not lab.pixmap().isNull())

    def set_zoom(self, zoom: float) -> None:
        self._zoom = min(max(zoom, 0.3), 4.0)
        self._layout_pages()

    def _layout_pages(self) -> None:
        width = max(200, int((self.scroll.viewport().width() - 40) * self._zoom))
        for page, lab in zip(self._pages, self._labels):
            lab.setPixmap(QPixmap.fromImage(page.image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)))

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._resize_timer.start()

    def toggle_full_screen(self) -> None:
        win = self.window()
        if win.isFullScreen():
            win.showNormal()
            self.full_button.setText(tr("全屏"))
        else:
            win.showFullScreen()
            self.full_button.setText(tr("退出全屏"))

    # --- printing and export ----------------------------------------------
    def make_printer(self, printer_name: str = "") -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer_name:
            printer.setPrinterName(printer_name)
        if self._pages:
            printer.setPageSize(page_size(self._pages[0]))
            printer.setPageOrientation(page_orientation(self._pages[0]))
        printer.setDocName(self._name)
        printer.setCopyCount(self.copies)   # the registry's copies: the print dialog starts there
        return printer

    def print_document(self, printer_name: str = "") -> QPrintDialog | None:
        if not self._pages:
            return None
        printer = self.make_printer(printer_name)
        dlg = QPrintDialog(printer, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.print_to(printer))
        QDialog.open(dlg)  # QPrintDialog.open() is overloaded as open(receiver, member) in PySide6
        return dlg

    def print_to(self, printer: QPrinter) -> None:
        """A PDF file gets the vector PDF; a printer the pages rendered at its
        resolution off the GUI thread, then painted in one job."""
        self.status.setText(tr("正在打印…"))
        if prints_to_pdf_file(printer):
            BgOp(write_pdf_copy, printer.outputFileName(), self._data, printer.copyCount()).parent(self).success(
                self._sent).failure(self._failed).run_in_background()
            return
        BgOp(render_pdf, self._data, print_dpi(printer)).parent(self).success(
            lambda pages: self._paint(printer, pages)).failure(self._failed).run_in_background()

    def _paint(self, printer: QPrinter, pages: list[Page]) -> None:
        self._sent(paint_pages(printer, pages))

    def _sent(self, n: int) -> None:
        self.status.setText(sent_text(n))
        self.printed.emit(n)

    def export_pdf(self) -> QFileDialog:
        from app.ui import file_dialogs
        dlg = file_dialogs.export_pdf(self, self._name)
        dlg.fileSelected.connect(self.export_to)
        return dlg

    def export_to(self, path: str) -> None:
        BgOp(save_file, path, self._data).parent(self).success(self._exported).run_in_background()

    def _exported(self, path: str) -> None:
        self.status.setText(tr("已导出：{path}", path=path))
        self.exported.emit(path)


class PdfPreviewDialog(QDialog):
    """A window around PdfView; F11 or the button toggles full screen."""

    def __init__(self, data: bytes, title: str, name: str = "document.pdf",
                 parent: QWidget | None = None, copies: int = 1) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = PdfView()
        self.view.copies = copies
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self.resize(900, 1000)
        self.view.load(data, name)
