"""Take photos with the laptop camera (QtMultimedia). Frames reach a QLabel
through a QVideoSink (no QVideoWidget needed); a capture is written to a file
by the camera backend (off the GUI thread) and reported as a path, so the
page ingests it like an imported file.

Without a camera (or without QtMultimedia) the camera button is disabled and
says why; importing from files always works."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from app import settings_file
from app.ui.i18n import tr

log = logging.getLogger(__name__)


def _multimedia():
    try:
        from PySide6 import QtMultimedia
    except ImportError:  # PySide6-Essentials alone has no QtMultimedia
        return None
    return QtMultimedia


def video_inputs() -> list:
    mm = _multimedia()
    return list(mm.QMediaDevices.videoInputs()) if mm else []


def camera_available() -> bool:
    return bool(video_inputs())


def no_camera_text() -> str:
    return tr("未检测到摄像头，请从文件导入")


def default_capture_dir() -> Path:
    """Captures land in the data folder (not /tmp) until they are ingested."""
    return settings_file.data_dir() / "camera-inbox"


class CameraButton(QPushButton):
    """Enabled only while a camera is present; follows plugging in/out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("拍照"), parent)
        mm = _multimedia()
        self._devices = mm.QMediaDevices(self) if mm else None
        if self._devices is not None:
            self._devices.videoInputsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        ok = camera_available()
        self.setEnabled(ok)
        # The reason is on the button itself: a touch screen shows no tooltips.
        self.setText(tr("拍照") if ok else tr("拍照（无摄像头）"))
        self.setToolTip("" if ok else no_camera_text())


class CameraDialog(QDialog):
    """Live preview and a capture button; `captured(path)` per saved photo."""
    captured = Signal(str)

    def __init__(self, save_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("拍照"))
        self.save_dir = Path(save_dir or default_capture_dir())
        self._paths: list[str] = []
        self._camera = None
        self.preview = QLabel(no_camera_text())
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(640, 480)
        self.preview.setStyleSheet("background: #263238; color: white;")
        self.device_combo = QComboBox()
        self.shoot_button = QPushButton(tr("拍摄"))
        self.shoot_button.setProperty("primary", True)
        self.count_label = QLabel(tr("已拍摄 {n} 张", n=0))
        done = QPushButton(tr("完成"))
        done.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.device_combo, 1)
        row.addWidget(self.count_label)
        row.addWidget(self.shoot_button)
        row.addWidget(done)
        lay = QVBoxLayout(self)
        lay.addWidget(self.preview, 1)
        lay.addLayout(row)

        mm = _multimedia()
        inputs = video_inputs()
        for dev in inputs:
            self.device_combo.addItem(dev.description(), dev)
        self.shoot_button.setEnabled(bool(inputs))
        self.device_combo.setVisible(len(inputs) > 1)  # a choice only when there is one
        row.insertStretch(0, 1)
        if not inputs:
            self.shoot_button.setToolTip(no_camera_text())
            return
        self._session = mm.QMediaCaptureSession(self)
        self._capture = mm.QImageCapture(self)
        self._sink = mm.QVideoSink(self)
        self._session.setImageCapture(self._capture)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._show_frame)
        self._capture.imageSaved.connect(self._saved)
        self._capture.errorOccurred.connect(lambda _id, _err, text: self._error(text))
        self._capture.readyForCaptureChanged.connect(self.shoot_button.setEnabled)
        self.shoot_button.clicked.connect(self.shoot)
        self.device_combo.currentIndexChanged.connect(self._start_camera)
        self._start_camera()

    def _start_camera(self) -> None:
        mm = _multimedia()
        if self._camera is not None:
            self._camera.stop()
            self._camera.deleteLater()
        self._camera = mm.QCamera(self.device_combo.currentData(), self)
        self._camera.errorOccurred.connect(lambda _err, text: self._error(text))
        self._session.setCamera(self._camera)
        self._camera.start()

    def _show_frame(self, frame) -> None:
        img = frame.toImage()
        if not img.isNull():
            self.preview.setPixmap(QPixmap.fromImage(img).scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    def shoot(self) -> None:
        self.save_dir.mkdir(parents=True, exist_ok=True)
        name = time.strftime("IMG_%Y%m%d_%H%M%S") + f"_{len(self._paths) + 1:03d}.jpg"
        self._capture.captureToFile(str(self.save_dir / name))

    def _saved(self, _id: int, path: str) -> None:
        self._paths.append(path)
        self.count_label.setText(tr("已拍摄 {n} 张", n=len(self._paths)))
        self.captured.emit(path)

    def _error(self, text: str) -> None:
        log.warning("camera: %s", text)
        self.count_label.setText(tr("摄像头错误：{error}", error=text))

    def paths(self) -> list[str]:
        return list(self._paths)

    def done(self, result: int) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().done(result)
