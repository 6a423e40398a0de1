"""First run of a real installation, through the real widgets offscreen,
against `field-sampler-server serve` (not the demo) set up with the admin
commands: the first-run screen, refusals shown in Chinese (English when
chosen), enrollment with a code made by `enroll-code`, a test label
printed, one visit finished and synced; then the laptop revoked, its
records exported and enrolled again."""
from __future__ import annotations

import zipfile

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QToolBar

from app.services.reference import list_tasks
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.firstrun.screen import offer_first_run
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from app.ui.sync.screen import install_sync
from tests.conftest import signature_png
from tests.realserver import PASSWORDS, province_template, real_server  # noqa: F401
from tests.scenarios import complete_visit
from tests.ui.sync_harness import FAST, open_screen
from tests.ui.clicking import click


@pytest.fixture
def fresh_install(qtbot, tmp_path):
    """The app as a new installation starts it: no settings, empty data folder."""
    opened = []

    def open_(printed_pdf=None):
        config = tmp_path / "config" / "settings.json"
        w = MainWindow(SettingsModel(path=config, data_dir=tmp_path / "data"))
        qtbot.addWidget(w)
        w.show()
        sync = install_sync(w, auto=False, probe_ms=60_000, engine_options=dict(FAST))
        home = install_home(w, tmp_path / "data", prompt_recovery=False)

        def pdf_printer(name):
            p = QPrinter(QPrinter.PrinterMode.HighResolution)
            p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            p.setOutputFileName(str(printed_pdf))
            return p
        offer_first_run(w, sync, printers=["Label printer (test)"],
                        printer_factory=pdf_printer if printed_pdf else (lambda _n: None))
        sync.attach_home(home)
        qtbot.waitUntil(lambda: w.current_screen() == "firstrun", timeout=20_000)
        opened.append(w)
        return w
    yield open_
    for w in opened:
        w.sync_screen.shutdown()
        qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
        if w.workspace is not None:
            w.workspace.close()


class _DownloadCounter:
    """Where the new version "is": counts every request (there must be none)."""

    def __init__(self) -> None:
        import http.server
        import threading
        counter = self
        self.hits = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                counter.hits += 1
                self.send_response(404)
                self.end_headers()

            def log_message(self, *a):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/field-sampler-9.9.9-setup.exe"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()


def _type(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _click(qtbot, button) -> None:
    click(qtbot, button)


def _error(qtbot, page) -> str:
    qtbot.waitUntil(lambda: page.error.isVisible() and not page.busy.isVisible(), timeout=20_000)
    return page.error.text()


def _to_enroll_page(qtbot, fr, url: str) -> None:
    _click(qtbot, fr.language_page.next)
    assert fr.step() == "server"
    _type(qtbot, fr.server_page.address, url)
    _click(qtbot, fr.server_page.next)
    qtbot.waitUntil(lambda: fr.step() == "enroll", timeout=20_000)


def test_first_run_enrolls_prints_a_test_label_and_syncs_a_visit(qtbot, real_server, fresh_install, tmp_path,
                                                                make_jpeg):
    printed = tmp_path / "printed.pdf"
    w = fresh_install(printed)
    fr = w.first_run
    assert not w.findChild(QToolBar, "main_toolbar").isEnabled()   # nothing else until enrolled
    _click(qtbot, fr.language_page.next)

    # the server page: a malformed address, then nothing listening, then ours
    _type(qtbot, fr.server_page.address, "http://sync server")
    _click(qtbot, fr.server_page.next)
    assert "服务器地址格式不正确" in _error(qtbot, fr.server_page)
    port = real_server.url.rsplit(":", 1)[1]
    _type(qtbot, fr.server_page.address, f"127.0.0.1:{int(port) + 1 if int(port) < 65535 else 1}")
    _click(qtbot, fr.server_page.next)
    assert "无法连接服务器" in _error(qtbot, fr.server_page)
    _type(qtbot, fr.server_page.address, real_server.url.removeprefix("http://"))   # as people type it
    _click(qtbot, fr.server_page.next)
    qtbot.waitUntil(lambda: fr.step() == "enroll", timeout=20_000)
    assert fr.enroll_page.server_label.text() == real_server.url

    # the enrollment page: a wrong password keeps the code and the user name
    code = real_server.code("zhang")
    page = fr.enroll_page
    _type(qtbot, page.code, code.lower().replace("-", " "))
    _type(qtbot, page.username, "zhang")
    _type(qtbot, page.password, "wrong")
    _click(qtbot, page.next)
    assert _error(qtbot, page) == "用户名或密码错误"
    assert page.password.text() == "" and page.username.text() == "zhang" and page.code.text()
    _type(qtbot, page.password, PASSWORDS["zhang"])
    _click(qtbot, page.next)
    qtbot.waitUntil(lambda: fr.step() == "printer", timeout=20_000)

    # a test label on the chosen printer and size
    pp = fr.printer_page
    pp.printer.setCurrentIndex(pp.printer.findData("Label printer (test)"))
    pp.label_size.setCurrentIndex(pp.label_size.findData("70x50"))
    _click(qtbot, pp.test)
    qtbot.waitUntil(lambda: "测试标签已发送" in pp.result.text(), timeout=20_000)
    from pypdf import PdfReader
    reader = PdfReader(printed)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4))) == [50, 70]

    # the province has published a newer version meanwhile (its download counts requests)
    downloads = _DownloadCounter()
    real_server.admin("set-app-version", "9.9.9", "--url", downloads.url, "--notes", "封条二维码更大")
    with qtbot.waitSignal(w.sync_screen.sync_finished, timeout=30_000) as first_sync:
        _click(qtbot, pp.done)
    assert w.current_screen() == "tasks" and w.findChild(QToolBar, "main_toolbar").isEnabled()
    assert first_sync.args[0].pull.tasks == 2
    notice = w.findChild(QLabel, "update_notice")
    qtbot.waitUntil(notice.isVisible, timeout=10_000)
    assert notice.text() == "新版本 9.9.9 已发布" and downloads.url in notice.toolTip()
    assert "封条二维码更大" in notice.toolTip()
    assert downloads.hits == 0                  # a notice only: nothing is downloaded
    downloads.stop()
    s = w.settings_model.settings
    assert (s.server_url, s.printer, s.label_size) == (real_server.url, "Label printer (test)", "70x50")

    # one visit, finished and synced
    ws = w.workspace
    task = list_tasks(ws)[0]
    complete_visit(ws, make_jpeg, signature_png, task_id=task.id)
    w.sync_screen.load_records()
    open_screen(qtbot, w, "sync")
    with qtbot.waitSignal(w.sync_screen.sync_finished, timeout=60_000) as sig:
        _click(qtbot, w.sync_screen.sync_button)
    assert len(sig.args[0].of("sent")) == 1 and sig.args[0].complete
    assert real_server.synced_records() == 1


def test_expired_code_in_english(qtbot, real_server, fresh_install, english):
    from app.ui import i18n
    w = fresh_install()
    fr = w.first_run
    fr.language_page.radios["en"].setChecked(True)
    _click(qtbot, fr.language_page.next)             # the screen is rebuilt in English
    qtbot.waitUntil(lambda: w.first_run is not fr, timeout=5_000)
    fr = w.first_run
    assert i18n.language() == "en" and fr.step() == "server"
    assert fr.server_page.next.text() == "Next"
    _type(qtbot, fr.server_page.address, real_server.url)
    _click(qtbot, fr.server_page.next)
    qtbot.waitUntil(lambda: fr.step() == "enroll", timeout=20_000)
    code = real_server.code("li", hours=1)
    from sqlalchemy import update

    from sync.server.config import settings_for
    from sync.server.db import Database, utcnow
    from sync.server.enrollment.models import EnrollmentCode
    db = Database(settings_for(real_server.data).db_url, run_migrations=False)
    with db.session() as s:
        s.execute(update(EnrollmentCode).values(expires_at=utcnow()))
    db.close()
    _type(qtbot, fr.enroll_page.code, code)
    _type(qtbot, fr.enroll_page.username, "li")
    _type(qtbot, fr.enroll_page.password, PASSWORDS["li"])
    _click(qtbot, fr.enroll_page.next)
    assert "expired" in _error(qtbot, fr.enroll_page) and "administrator" in fr.enroll_page.error.text()
    assert w.sync_screen.who is None and fr.step() == "enroll"


def test_revoked_laptop_says_so_keeps_and_exports_its_records_and_enrolls_again(
        qtbot, real_server, fresh_install, tmp_path, make_jpeg):
    w = fresh_install()
    fr = w.first_run
    _to_enroll_page(qtbot, fr, real_server.url)
    _type(qtbot, fr.enroll_page.code, real_server.code("zhang"))
    _type(qtbot, fr.enroll_page.username, "zhang")
    _type(qtbot, fr.enroll_page.password, PASSWORDS["zhang"])
    _click(qtbot, fr.enroll_page.next)
    qtbot.waitUntil(lambda: fr.step() == "printer", timeout=20_000)
    with qtbot.waitSignal(w.sync_screen.sync_finished, timeout=30_000):
        _click(qtbot, fr.printer_page.done)
    ws = w.workspace
    complete_visit(ws, make_jpeg, signature_png, task_id=list_tasks(ws)[0].id)

    real_server.admin("revoke-device", "--user", "zhang")
    sync = w.sync_screen
    open_screen(qtbot, w, "sync")
    with qtbot.waitSignal(sync.sync_finished, timeout=30_000) as sig:
        _click(qtbot, sync.sync_button)
    assert sig.args[0].auth_error.code == "auth.device_revoked"
    w.show_screen("sync")
    qtbot.waitUntil(lambda: sync.form.revoked.isVisible(), timeout=10_000)
    assert "此设备已被停用" in sync.form.revoked.text() and "1条" in sync.form.revoked.text()
    assert sync.who is None and sync.pages.currentWidget() is sync.form

    with qtbot.waitSignal(sync.exported, timeout=20_000) as exported:
        sync.export_to(str(tmp_path / "usb"))
    with zipfile.ZipFile(exported.args[0]) as z:
        assert sum(n.startswith("records/") for n in z.namelist()) == 1
    assert "已导出1条记录" in sync.form.error.text()

    # enroll again with a new code: the kept record goes out
    _type(qtbot, sync.form.code, real_server.code("zhang"))
    _type(qtbot, sync.form.username, "zhang")
    _type(qtbot, sync.form.password, PASSWORDS["zhang"])
    with qtbot.waitSignal(sync.sync_finished, timeout=60_000) as sig:
        _click(qtbot, sync.form.button)
    assert len(sig.args[0].of("sent")) == 1
    assert not sync.form.revoked.isVisible()
    assert real_server.synced_records() == 1
