"""Camera: this machine has no camera, so the button is disabled and says
to import from files; the dialog opens without crashing and cannot shoot."""
from __future__ import annotations

from PySide6.QtMultimedia import QMediaDevices

from app.ui import i18n
from app.ui.camera import CameraButton, CameraDialog, camera_available
from app.ui.photo_grid import PhotoGrid
from tests.ui.clicking import click


def test_no_camera_here():
    assert QMediaDevices.videoInputs() == []
    assert camera_available() is False


def test_button_disabled_with_reason(qtbot):
    b = CameraButton()
    qtbot.addWidget(b)
    assert not b.isEnabled()
    assert b.text() == "拍照（无摄像头）"
    assert b.toolTip() == "未检测到摄像头，请从文件导入"
    b.show()                       # a click reaches only what is on screen
    qtbot.waitExposed(b)
    with qtbot.assertNotEmitted(b.clicked):
        click(qtbot, b)


def test_button_reason_in_english(qtbot, english):
    b = CameraButton()
    qtbot.addWidget(b)
    # the reason is on the button: a touch screen shows no tooltip
    assert b.text() == "Camera (none found)" and "No camera" in b.toolTip()


def test_photo_grid_camera_buttons_disabled_but_import_works(qtbot):
    g = PhotoGrid(["site", "label"])
    qtbot.addWidget(g)
    for sec in g.sections.values():
        assert sec.camera_button is not None and not sec.camera_button.isEnabled()
        assert sec.add_button.isEnabled()


def test_dialog_without_camera_cannot_shoot(qtbot, tmp_path):
    d = CameraDialog(save_dir=tmp_path)
    qtbot.addWidget(d)
    d.show()
    assert not d.shoot_button.isEnabled()
    assert d.preview.text() == i18n.tr("未检测到摄像头，请从文件导入")
    assert d.paths() == []
