"""Open one photo large. The file is decoded off the GUI thread (a 12 MP
JPEG takes a noticeable time) and EXIF orientation is applied."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from app.ui.i18n import tr
from app.ui.ops import BgOp

MAX_SIDE = 4096  # decode at most this large; enough for any screen


def load_image(path: str) -> QImage:
    """Worker side: QImage (not QPixmap) is safe off the GUI thread."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > MAX_SIDE:
        reader.setScaledSize(size.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio))
    img = reader.read()
    if img.isNull():
        raise OSError(tr("无法打开图片：{name}", name=path))
    return img


class PhotoViewer(QDialog):
    def __init__(self, path: str, caption: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption or tr("查看照片"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._pixmap: QPixmap | None = None
        self._fit = True
        self.image_label = QLabel(tr("正在加载…"))
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.image_label)
        self.scroll.setWidgetResizable(True)
        self.fit_button = QPushButton(tr("原始大小"))
        self.fit_button.clicked.connect(self.toggle_fit)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(QLabel(caption))
        row.addStretch(1)
        row.addWidget(self.fit_button)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.scroll, 1)
        lay.addLayout(row)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle_fit)
        self.resize(1000, 750)
        BgOp(load_image, path).parent(self).success(self._loaded).failure(self._failed).run_in_background()

    def is_loaded(self) -> bool:
        return self._pixmap is not None

    def image_size(self) -> QSize:
        return self._pixmap.size() if self._pixmap else QSize()

    def _loaded(self, img: QImage) -> None:
        self._pixmap = QPixmap.fromImage(img)
        self._show()

    def _failed(self, error: BaseException) -> None:
        self.image_label.setText(str(error))

    def toggle_fit(self) -> None:
        self._fit = not self._fit
        self.fit_button.setText(tr("原始大小") if self._fit else tr("适应窗口"))
        self._show()

    def _show(self) -> None:
        if self._pixmap is None:
            return
        self.scroll.setWidgetResizable(self._fit)
        if self._fit:
            area = self.scroll.viewport().size()
            self.image_label.setPixmap(self._pixmap.scaled(area, Qt.AspectRatioMode.KeepAspectRatio,
                                                           Qt.TransformationMode.SmoothTransformation))
        else:
            self.image_label.setPixmap(self._pixmap)
            self.image_label.adjustSize()

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        if self._fit:
            self._show()
