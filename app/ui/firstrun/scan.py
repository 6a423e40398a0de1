"""Scan the enrollment QR (from the province's console) with the laptop's
camera: a live preview; about three frames a second are decoded on the
thread pool; the first enrollment QR found closes the dialog.

Without a camera the dialog says so; typing the code always works."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.qr_scan import decode_enrollment
from app.ui.camera import _multimedia, video_inputs
from app.ui.i18n import tr
from app.ui.ops import BgOp

DECODE_EVERY_S = 0.3


class ScanDialog(QDialog):
    scanned = Signal(dict)      # {server, code, user}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("扫描登记二维码"))
        self.result_value: dict | None = None
        self._camera = None
        self._decoding = False
        self._last = 0.0
        self.preview = QLabel(tr("未检测到摄像头，请手动输入登记码"))
        self.preview.setObjectName("scan_preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(640, 420)
        self.preview.setStyleSheet("background: #263238; color: white;")
        self.status = QLabel(tr("把管理员给您的登记二维码对准摄像头"))
        cancel = QPushButton(tr("取消"))
        cancel.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.status)
        lay.addWidget(cancel, 0, Qt.AlignmentFlag.AlignRight)
        inputs = video_inputs()
        if not inputs:
            self.status.setText(tr("本机没有可用的摄像头"))
            return
        mm = _multimedia()
        self._session = mm.QMediaCaptureSession(self)
        self._sink = mm.QVideoSink(self)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(lambda frame: self.handle_image(frame.toImage()))
        self._camera = mm.QCamera(inputs[0], self)
        self._camera.errorOccurred.connect(lambda _e, text: self.status.setText(tr("摄像头错误：{error}", error=text)))
        self._session.setCamera(self._camera)
        self._camera.start()

    def handle_image(self, img: QImage) -> None:
        """Show the frame; now and then decode it off the GUI thread."""
        if img.isNull():
            return
        self.preview.setPixmap(QPixmap.fromImage(img).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))
        now = time.monotonic()
        if self._decoding or now - self._last < DECODE_EVERY_S or self.result_value is not None:
            return
        self._decoding, self._last = True, now
        grey = img.convertToFormat(QImage.Format.Format_Grayscale8)
        data = bytes(grey.constBits())
        BgOp(decode_enrollment, grey.width(), grey.height(), grey.bytesPerLine(), data) \
            .success(self._decoded).failure(lambda _e: self._decoded(None)).parent(self).run_in_background()

    def _decoded(self, found: dict | None) -> None:
        self._decoding = False
        if found and self.result_value is None:
            self.result_value = found
            self.scanned.emit(found)
            self.accept()

    def done(self, result: int) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().done(result)
