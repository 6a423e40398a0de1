"""Scanning the enrollment QR: a camera frame showing the console's QR fills
the server address, the code and the user name on the first-run screen.
There is no camera here, so the frames are images handed to the dialog the
way its video sink hands them over; the decoding is the real one."""
from __future__ import annotations

import io

from PySide6.QtGui import QImage

from app.services.qr_scan import decode_enrollment
from app.ui.firstrun.scan import ScanDialog
from app.ui.firstrun.screen import FirstRunScreen
from app.ui.settings_model import SettingsModel
from sync.protocol.enrollment import qr_text
from tests.realserver import province_template, real_server  # noqa: F401


def _frame(text: str) -> QImage:
    """A camera-like frame: the QR on a grey background, off centre."""
    import qrcode
    from PIL import Image
    qr = qrcode.make(text, box_size=6, border=4).convert("RGB")
    frame = Image.new("RGB", (960, 720), (120, 124, 118))
    frame.paste(qr, (300, 120))
    buf = io.BytesIO()
    frame.save(buf, "PNG")
    return QImage.fromData(buf.getvalue())


def test_a_frame_with_the_enrollment_qr_is_read(qtbot):
    dlg = ScanDialog()
    qtbot.addWidget(dlg)
    assert "没有可用的摄像头" in dlg.status.text()          # no camera on this machine: it says so
    dlg.handle_image(_frame("https://example.org/not-an-enrollment"))
    qtbot.waitUntil(lambda: not dlg._decoding, timeout=10_000)
    assert dlg.result_value is None
    dlg._last = 0
    with qtbot.waitSignal(dlg.scanned, timeout=10_000) as sig:
        dlg.handle_image(_frame(qr_text("https://cj.example.gov.cn", "ABCD-EFGH-JK23", "zhang")))
    assert sig.args[0] == {"server": "https://cj.example.gov.cn", "code": "ABCD-EFGH-JK23", "user": "zhang"}


def test_decode_ignores_frames_without_a_qr():
    img = QImage(320, 240, QImage.Format.Format_Grayscale8)
    img.fill(128)
    assert decode_enrollment(img.width(), img.height(), img.bytesPerLine(), bytes(img.constBits())) is None


def test_a_scan_fills_the_first_run_screen_and_checks_the_server(qtbot, real_server, tmp_path):
    screen = FirstRunScreen(SettingsModel(path=tmp_path / "settings.json", data_dir=tmp_path / "data"),
                            printers=[], printer_factory=lambda _n: None)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_step("server")
    code = real_server.code("li")
    screen.apply_scan({"server": real_server.url, "code": code, "user": "li"})
    qtbot.waitUntil(lambda: screen.step() == "enroll", timeout=20_000)
    page = screen.enroll_page
    assert (page.code.text(), page.username.text(), page.server_label.text()) == (code, "li", real_server.url)
