"""Preview, print and export a PDF given as bytes (the forms/ builders'
output). Pages are rasterized with pypdfium2 on a worker thread (QtPdf is not
in PySide6-Essentials); printing paints those rasters at the printer's
resolution, page by page with each page's own size."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

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


def write_file_atomic(path: str, data: bytes) -> str:
    from app.store.files import write_atomic
    return str(write_atomic(path, data, prefix=".export-"))


def page_size(page: Page) -> QPageSize:
    """The paper in portrait terms (A4 stays A4); orientation goes separately."""
    short, long_ = sorted((page.width_pt, page.height_pt))
    return QPageSize(QSizeF(short, long_), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)


def page_orientation(page: Page) -> QPageLayout.Orientation:
    return (QPageLayout.Orientation.Landscape if page.width_pt > page.height_pt
            else QPageLayout.Orientation.Portrait)


def paint_pages(printer: QPrinter, pages: list[Page]) -> int:
    """GUI side: one printer page per PDF page, each with its own size; the
    copies are repeated here when the printer cannot make them itself."""
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
        target = printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
        target.moveTo(0, 0)
        img_size = page.image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawImage(target.topLeft(), page.image.scaled(img_size, Qt.AspectRatioMode.KeepAspectRatio,
                                                              Qt.TransformationMode.SmoothTransformation))
    if painter.isActive():
        painter.end()
    return len(pages)


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
        self.status.setText(tr("共{n}页", n=len(pages)))
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
        """Render at the printer's resolution off the GUI thread, then paint."""
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        self.status.setText(tr("正在打印…"))
        BgOp(render_pdf, self._data, dpi).parent(self).success(
            lambda pages: self._paint(printer, pages)).failure(self._failed).run_in_background()

    def _paint(self, printer: QPrinter, pages: list[Page]) -> None:
        n = paint_pages(printer, pages)
        self.status.setText(tr("已发送{n}页到打印机", n=n))
        self.printed.emit(n)

    def export_pdf(self) -> QFileDialog:
        dlg = QFileDialog(self, tr("导出PDF"))
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setNameFilter(tr("PDF文件 (*.pdf)"))
        dlg.setDefaultSuffix("pdf")
        dlg.selectFile(self._name)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.fileSelected.connect(self.export_to)
        dlg.open()
        return dlg

    def export_to(self, path: str) -> None:
        BgOp(write_file_atomic, path, self._data).parent(self).success(self._exported).run_in_background()

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
