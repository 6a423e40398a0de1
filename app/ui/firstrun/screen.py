"""The first-run screen: shown in the main window (toolbar disabled) when a
real installation has never been enrolled on this data folder.

Language -> server address (checked: malformed, unreachable, not our
server, app too old) -> one-time code + sign-in (device key to the keyring,
public key registered; all or nothing) -> printer and label size with a test
print -> the task list, with the first sync started.

Every check, the enrollment and the test print's rendering run off the GUI
thread; a refusal is shown on its page with what was typed kept (but the
password)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QToolBar, QVBoxLayout, QWidget

from app.services import enrollment
from app.services.syncing import SignedIn, SignInError
from app.ui import i18n
from app.ui.firstrun.pages import EnrollPage, LanguagePage, PrinterPage, ServerPage
from app.ui.i18n import tr
from app.ui.ops import BgOp, DbOp, failure_text


def _error_text(error: BaseException) -> str:
    if isinstance(error, SignInError):
        return error.text(i18n.language())
    return failure_text(error)


def render_test_label(size: str, printer: str, dpi: float) -> list:
    from app.ui.pdf_view import render_pdf
    from app.services.documents import check_label_pdf
    return render_pdf(check_label_pdf(size, printer), dpi)


class FirstRunScreen(QWidget):
    finished = Signal(object)       # SignedIn
    language_changed = Signal(str)  # rebuild the screen in that language
    step_shown = Signal(str)

    def __init__(self, settings_model, workspace=None, *, printers=None, printer_factory=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstrun")
        self.settings_model, self.ws = settings_model, workspace
        self.who: SignedIn | None = None
        self.release = None
        s = settings_model.settings
        if printers is None:
            from app.ui.settings_model import printer_names
            printers = printer_names()
        self.printer_factory = printer_factory or _system_printer
        self.language_page = LanguagePage(s.language)
        self.server_page = ServerPage(s.server_url)
        self.enroll_page = EnrollPage()
        self.printer_page = PrinterPage(printers, s.printer, s.label_size)
        self.pages = QStackedWidget()
        for p in (self.language_page, self.server_page, self.enroll_page, self.printer_page):
            self.pages.addWidget(p)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.pages, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)

        self.language_page.next.clicked.connect(self._language_chosen)
        self.server_page.next.clicked.connect(self.check_server)
        self.server_page.scan.clicked.connect(self.scan)
        self.enroll_page.scan.clicked.connect(self.scan)
        self.enroll_page.back.clicked.connect(lambda: self.show_step("server"))
        self.enroll_page.next.clicked.connect(self.enroll)
        self.printer_page.test.clicked.connect(self.test_print)
        self.printer_page.done.clicked.connect(self.finish)

    def step(self) -> str:
        return self.pages.currentWidget().objectName().removeprefix("firstrun_")

    def show_step(self, name: str) -> None:
        page = {"language": self.language_page, "server": self.server_page, "enroll": self.enroll_page,
                "printer": self.printer_page}[name]
        self.pages.setCurrentWidget(page)
        self.step_shown.emit(name)

    # --- language ---------------------------------------------------------
    def _language_chosen(self) -> None:
        lang = self.language_page.choice()
        if lang != self.settings_model.settings.language:
            self.settings_model.update(language=lang)
            self.settings_model.started_language = lang     # applied now, no restart needed
            i18n.set_language(lang)
            self.language_changed.emit(lang)                 # the window rebuilds this screen
            return
        self.show_step("server")

    # --- server address ---------------------------------------------------
    def check_server(self) -> None:
        self.server_page.set_busy(tr("正在连接服务器…"))
        BgOp(enrollment.check_address, self.server_page.address.text()).success(self._server_ok) \
            .failure(lambda e: self.server_page.show_error(_error_text(e))).parent(self).run_in_background()

    def _server_ok(self, result) -> None:
        url, self.release = result
        self.server_page.set_busy("")
        self.server_page.address.setText(url)
        self.enroll_page.server_label.setText(url)
        self.show_step("enroll")
        (self.enroll_page.code if not self.enroll_page.code.text() else self.enroll_page.password).setFocus()

    def scan(self):
        from app.ui.firstrun.scan import ScanDialog
        dlg = ScanDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.scanned.connect(self.apply_scan)
        dlg.open()
        return dlg

    def apply_scan(self, found: dict) -> None:
        """A scanned enrollment QR fills the address, the code and the user."""
        if found.get("server"):
            self.server_page.address.setText(found["server"])
        self.enroll_page.code.setText(found.get("code", ""))
        if found.get("user"):
            self.enroll_page.username.setText(found["user"])
        if self.step() == "server" or found.get("server"):
            self.check_server()

    # --- enrollment -------------------------------------------------------
    def enroll(self) -> None:
        p = self.enroll_page
        p.set_busy(tr("正在登记本机…"))
        BgOp(enrollment.enroll_with_code, self.server_page.address.text(), p.code.text(), p.username.text(),
             p.password.text()).success(self._enrolled) \
            .failure(lambda e: p.show_error(_error_text(e))).parent(self).run_in_background()

    def _enrolled(self, who: SignedIn) -> None:
        self.who = who
        self.enroll_page.set_busy("")
        self.enroll_page.password.clear()
        self.settings_model.update(server_url=who.server_url)
        if self.ws is not None:
            DbOp(enrollment.remember, self.ws, who).parent(self).run_in_background()
        self.show_step("printer")

    # --- printer ----------------------------------------------------------
    def _chosen(self) -> tuple[str, str]:
        p = self.printer_page
        return p.printer.currentData() or "", p.label_size.currentData()

    def test_print(self) -> None:
        printer_name, size = self._chosen()
        printer = self.printer_factory(printer_name)
        if printer is None:
            self.printer_page.show_error(tr("未找到打印机。请连接并安装打印机后再试，或先跳过（可在“设置”中修改）。"))
            return
        self.printer_page.set_busy(tr("正在打印测试标签…"))
        dpi = min(printer.resolution(), 300)
        BgOp(render_test_label, size, printer_name, dpi).success(lambda pages: self._paint(printer, pages)) \
            .failure(lambda e: self.printer_page.show_error(_error_text(e))).parent(self).run_in_background()

    def _paint(self, printer, pages) -> None:
        from app.ui.pdf_view import paint_pages
        try:
            paint_pages(printer, pages)
        except OSError as e:
            self.printer_page.show_error(tr("打印失败：{error}", error=str(e)))
            return
        self.printer_page.set_busy("")
        name = printer.printerName() or tr("系统默认打印机")
        self.printer_page.result.setText(tr("测试标签已发送到 {printer}。请检查：文字完整、没有被裁切，二维码清晰。", printer=name))
        self.printed_to = printer

    def finish(self) -> None:
        printer_name, size = self._chosen()
        self.settings_model.update(printer=printer_name, label_size=size)
        self.finished.emit(self.who)


def _system_printer(name: str):
    """A QPrinter for `name` ('' = the system default), None without one."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(tr("测试标签"))
    return printer


def install_first_run(window, sync_screen, workspace, **kw) -> FirstRunScreen:
    """Show the first-run screen in the window until the laptop is enrolled;
    then the task list, and the first sync starts."""
    bar = window.findChild(QToolBar, "main_toolbar")
    if bar is not None:
        bar.setEnabled(False)

    def build() -> FirstRunScreen:
        screen = FirstRunScreen(window.settings_model, workspace, **kw)
        screen.language_changed.connect(lambda _lang: rebuild())
        screen.finished.connect(done)
        window.set_screen("firstrun", screen)
        window.show_screen("firstrun")
        window.first_run = screen
        return screen

    def rebuild() -> None:
        build().show_step("server")

    def done(who: SignedIn) -> None:
        if bar is not None:
            bar.setEnabled(True)
        window.show_screen("tasks")
        sync_screen.enrolled(who)

    return build()


def offer_first_run(window, sync_screen, **kw) -> None:
    """Once the sync screen knows who is signed in: if nobody ever enrolled
    on this data folder (a fresh installation, not the demo), show the
    first-run screen. A laptop enrolled before (even if since revoked)
    opens normally; its sync screen offers to enroll again."""
    def ready() -> None:
        ws = sync_screen.ws
        if sync_screen.who is not None or ws is None:
            return
        DbOp(enrollment.ever_enrolled, ws).success(
            lambda ever: ever or install_first_run(window, sync_screen, ws, **kw)).parent(window).run_in_background()
    sync_screen.ready.connect(ready)
