"""The "sync" screen of the main window: first-time sign-in, 立即同步,
automatic sync when the server becomes reachable, progress of records and
bytes, the per-record status list with deadlines and reasons, release of a
record the server set aside, cancel.

Threads: enrollment and the reachability probe run on the op pool, outbox
reads on the DB worker, the sync itself on its own thread (SyncRunner).
The GUI thread never waits on the network."""
from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from app.domain.times import china
from app.services import enrollment, syncing
from app.services.syncing import SignedIn, SignInError
from app.ui.app_shell import placeholder
from app.ui.i18n import language, tr
from app.ui.ops import BgOp, DbOp, failure_text
from app.ui.sync.probe import PROBE_MS, Connectivity
from app.ui.sync import revoked
from app.ui.sync.records import records_model
from app.ui.sync.release_notice import ReleaseNotice
from app.ui.sync.report import auth_message, bytes_text, phase_text, problem_text, summary
from app.ui.sync.runner import SyncRunner
from app.ui.sync.signin import SignInForm
from app.ui.sync.table import records_table

log = logging.getLogger(__name__)


class SyncScreen(QWidget):
    exported = Signal(str)              # path of the zip of unsynced records
    records_loaded = Signal()
    sync_finished = Signal(object)      # SyncReport, after the screen has shown it
    signed_in_changed = Signal(object)  # SignedIn | None
    ready = Signal()                    # workspace open, sign-in state known

    def __init__(self, window, settings_model, *, probe_ms: int = PROBE_MS, auto: bool = True,
                 engine_options: dict | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_screen")
        self.window, self.settings_model = window, settings_model
        self.auto, self.engine_options = auto, dict(engine_options or {})
        self.ws = None
        self.who: SignedIn | None = None
        self._was_online: bool | None = None
        self.runner = SyncRunner(self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.connectivity = Connectivity(self.server_url, interval_ms=probe_ms, parent=self)
        self.connectivity.changed.connect(self._online_changed)
        self.connectivity.probed.connect(self._probed)

        self.form = SignInForm()
        self.form.submitted.connect(self.sign_in)
        self.form.export_requested.connect(self.export_unsynced)
        self.release_notice = ReleaseNotice(window)
        self.pages = QStackedWidget()
        self.loading = placeholder(tr("正在读取本机数据…"))
        self.pages.addWidget(self.loading)
        self.pages.addWidget(self.form)
        self.pages.addWidget(self._main_page())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 4)
        lay.addWidget(self.pages)
        settings_model.changed.connect(self._settings_changed)
        window.screen_changed.connect(lambda key: key == "sync" and self.load_records())

    def _main_page(self) -> QWidget:
        page = QWidget()
        self.who_label = QLabel()
        self.who_label.setObjectName("sync_who")
        self.signout_button = QPushButton(tr("重新登录"))
        self.sync_button = QPushButton(tr("立即同步"))
        self.sync_button.setObjectName("sync_now")
        self.sync_button.setProperty("primary", True)
        self.cancel_button = QPushButton(tr("取消同步"))
        self.cancel_button.setObjectName("sync_cancel")
        self.cancel_button.setEnabled(False)
        self.phase_label = QLabel(tr("尚未同步"))
        self.phase_label.setObjectName("sync_phase")
        self.records_bar, self.bytes_bar = QProgressBar(), QProgressBar()
        self.records_bar.setObjectName("records_bar")
        self.bytes_bar.setObjectName("bytes_bar")
        for bar in (self.records_bar, self.bytes_bar):
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setMinimumHeight(22)
        for bar in (self.records_bar, self.bytes_bar):
            bar.setFormat("")       # numbers once a sync has counted them
        self.message = QLabel()
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        self.model = records_model(self)
        self.table = records_table(self.model)
        self.empty = QLabel(tr("还没有完成的抽样记录。抽样完成后，记录会在这里显示同步状态和录入期限。"))
        self.empty.setObjectName("sync_empty")
        self.empty.setStyleSheet("color: #90a4ae; padding: 4px;")
        self.empty.setVisible(False)
        self.release_button = QPushButton(tr("重新提交所选记录"))
        self.release_button.setObjectName("release_button")
        self.release_button.setEnabled(False)
        self.release_button.setToolTip(tr("服务器退回的记录在原因解决后（如省局恢复了任务）可重新提交"))
        self.records_title = QLabel(tr("同步记录"))
        self.records_title.setStyleSheet("font-weight: bold; font-size: 13pt;")
        note = QLabel(tr("抽样次日24时前须录入e-CQS"))
        note.setStyleSheet("color: #607d8b;")

        head = QHBoxLayout()
        head.addWidget(self.who_label, 1)
        head.addWidget(self.signout_button)
        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.phase_label, 1)
        bars = QGridLayout()
        bars.addWidget(QLabel(tr("记录")), 0, 0)
        bars.addWidget(self.records_bar, 0, 1)
        bars.addWidget(QLabel(tr("数据")), 1, 0)
        bars.addWidget(self.bytes_bar, 1, 1)
        bars.setColumnStretch(1, 1)
        list_head = QHBoxLayout()
        list_head.addWidget(self.records_title)
        list_head.addWidget(note, 1)
        list_head.addWidget(self.release_button)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addLayout(actions)
        lay.addLayout(bars)
        lay.addWidget(self.message)
        lay.addLayout(list_head)
        lay.addWidget(self.empty)
        lay.addWidget(self.table, 1)

        self.sync_button.clicked.connect(lambda: self.sync_now(auto=False))
        self.cancel_button.clicked.connect(self.cancel)
        self.release_button.clicked.connect(self.release_selected)
        self.signout_button.clicked.connect(self.sign_out)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        return page

    # --- start-up ---------------------------------------------------------
    def server_url(self) -> str:
        return syncing.normalize_url(self.settings_model.settings.server_url)

    def attach_home(self, home) -> None:
        """The home screen opens the workspace; start once it has."""
        home.loaded.connect(self._home_loaded)

    def _home_loaded(self) -> None:
        if self.ws is None and getattr(self.window, "workspace", None) is not None:
            self.set_workspace(self.window.workspace)

    def set_workspace(self, ws) -> None:
        self.ws = ws
        DbOp(syncing.last_sync, ws).success(self._show_last_sync).parent(self).run_in_background()
        self._check_signed_in(start=True)
        self.load_records()

    def _check_signed_in(self, start: bool = False) -> None:
        def known(who: SignedIn | None) -> None:
            self._set_who(who)
            if start:
                self.ready.emit()
                self.connectivity.start()
        DbOp(syncing.signed_in, self.ws, self.server_url()).success(known).parent(self).run_in_background()

    def _set_who(self, who: SignedIn | None, message: str = "") -> None:
        self.who = who
        if who is None:
            username = self.form.username.text()
            self.form.reset(self.server_url(), username, message)
            self.pages.setCurrentWidget(self.form)
            self._show_revoked()
        else:
            name = tr("{name}（{user}）", name=who.name, user=who.username) if who.name else who.username
            self.who_label.setText(tr("已登录：{name}　服务器：{url}", name=name, url=who.server_url))
            self.pages.setCurrentIndex(2)
        self.signed_in_changed.emit(who)

    # --- sign in / out ----------------------------------------------------
    def sign_in(self, url: str, username: str, password: str) -> None:
        self.form.set_busy(True)
        code = self.form.code.text().strip()
        op = (BgOp(enrollment.enroll_with_code, url, code, username, password) if code
              else BgOp(syncing.enroll_device, url, username, password))
        op.success(self._enrolled).failure(self._sign_in_failed).parent(self).run_in_background()

    def enrolled(self, who: SignedIn) -> None:
        """Enrolled elsewhere (the first-run screen): show it and sync."""
        self._enrolled(who)

    def _enrolled(self, who: SignedIn) -> None:
        if who.server_url != self.server_url():
            self.settings_model.update(server_url=who.server_url)
        if self.ws is not None:
            DbOp(enrollment.remember, self.ws, who).parent(self).run_in_background()
        self.form.code.clear()
        self.form.set_revoked("", 0)
        self._set_who(who)
        self.message.setText(tr("登录成功，正在下载任务…"))
        self.connectivity.report(True)
        self.sync_now(auto=False)

    def _sign_in_failed(self, error: BaseException) -> None:
        text = error.text(language()) if isinstance(error, SignInError) else failure_text(error)
        self.form.show_error(text)

    def sign_out(self, message: str = "") -> None:
        if self.runner.running:
            return
        BgOp(syncing.sign_out, self.server_url()).parent(self).run_in_background()
        self._set_who(None, message)

    # --- sync -------------------------------------------------------------
    def sync_now(self, auto: bool = False) -> bool:
        """Start a sync unless one runs (or nobody is signed in)."""
        if self.ws is None or self.who is None or self.runner.running:
            return False
        engine = syncing.make_engine(self.ws, self.who.server_url, **self.engine_options)
        self.runner.start(engine, auto=auto)
        self.sync_button.setEnabled(False)
        self.signout_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.phase_label.setText(tr("正在连接服务器…"))
        for bar in (self.records_bar, self.bytes_bar):
            bar.setRange(0, 0)   # busy until the first numbers arrive
        if not auto:
            self.message.setText("")
        return True

    def cancel(self) -> None:
        if self.runner.running:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.phase_label.setText(tr("正在取消…（已完成的部分会保留）"))

    def _progress(self, p) -> None:
        self.phase_label.setText(phase_text(p))
        if p.phase == "pull" or (p.phase == "done" and not p.records_total):
            return   # nothing counted yet (a failed pull must not look like a full bar)
        self.records_bar.setRange(0, max(1, p.records_total))
        self.records_bar.setValue(p.records_done if p.records_total else 1)
        self.records_bar.setFormat(tr("记录 %v / %m") if p.records_total else tr("没有待发送的记录"))
        # per mille: byte counts overflow a progress bar's int
        self.bytes_bar.setRange(0, 1000)
        self.bytes_bar.setValue(min(1000, p.bytes_done * 1000 // p.bytes_total) if p.bytes_total else 1000)
        self.bytes_bar.setFormat(bytes_text(p.bytes_done, p.bytes_total))

    def _finished(self, report) -> None:
        self.sync_button.setEnabled(True)
        self.signout_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        for bar in (self.records_bar, self.bytes_bar):
            if bar.maximum() == 0:     # never got past the pull
                bar.setRange(0, 1)
                bar.setValue(0)
                bar.setFormat("")
        text = summary(report)
        self.phase_label.setText(text.phase)
        self.message.setText(text.message)
        if text.status:
            self.window.show_message(text.status)
        if report.network_error:
            self.connectivity.report(False)
        elif not report.cancelled:
            self.connectivity.report(True)
        if report.upgrade_required is not None:
            text = problem_text(report.upgrade_required)     # which version, where; nothing was lost
            self.message.setText(text)
            self.window.show_message(text)
        elif report.auth_error is not None:
            if report.auth_error.code == "auth.device_revoked" and self.ws is not None:
                DbOp(enrollment.mark_revoked, self.ws, self.server_url(), report.auth_error.zh,
                     report.auth_error.en).parent(self).run_in_background()
            self.sign_out(auth_message(report.auth_error))
        elif not (report.network_error or report.cancelled) and self.ws is not None:
            DbOp(syncing.mark_synced, self.ws).success(self._show_last_sync).parent(self).run_in_background()
            self.release_notice.check(self.server_url())
        if report.pull is not None:
            home = getattr(self.window, "home", None)
            if home is not None:
                home.refresh()
        self.load_records(then=lambda: self.sync_finished.emit(report))

    def _show_last_sync(self, when: datetime | None) -> None:
        # China time, like every other time on screen (deadlines are in it),
        # whatever the laptop's own time zone is set to.
        self.window.set_last_sync(china(when))

    # --- connectivity -----------------------------------------------------
    def _online_changed(self, online) -> None:
        self.window.set_online(online)

    def _probed(self, online: bool) -> None:
        came_online = online and self._was_online is not True
        self._was_online = online
        if not (online and self.auto and self.who is not None and self.ws is not None) or self.runner.running:
            return
        if came_online:
            self.sync_now(auto=True)
        else:
            DbOp(syncing.has_work, self.ws).success(lambda work: work and self.sync_now(auto=True)) \
                .parent(self).run_in_background()

    def _settings_changed(self, settings) -> None:
        if self.ws is not None and self.who is not None and syncing.normalize_url(settings.server_url) \
                != self.who.server_url:
            self._check_signed_in()
            self.connectivity.probe_now()

    # --- records ----------------------------------------------------------
    def load_records(self, then=None) -> None:
        if self.ws is None:
            if then:
                then()
            return

        def show(rows) -> None:
            self.model.set_rows(rows)
            self.empty.setVisible(not rows)
            waiting = sum(1 for r in rows if r.status != syncing.OutboxStatus.SENT)
            self.records_title.setText(tr("同步记录（{n}条未送达）", n=waiting))
            self.records_loaded.emit()
            if then:
                then()
        DbOp(syncing.records, self.ws).success(show).parent(self).run_in_background()

    def selected_record(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def _selection_changed(self, *_a) -> None:
        r = self.selected_record()
        self.release_button.setEnabled(r is not None and r.status == syncing.OutboxStatus.QUARANTINED)

    def release_selected(self) -> None:
        r = self.selected_record()
        if r is None or r.status != syncing.OutboxStatus.QUARANTINED or self.ws is None:
            return

        def released(_none) -> None:
            self.message.setText(tr("已重新排队，将在下次同步时再次提交。"))
            self.load_records()
            if self.connectivity.online:
                self.sync_now(auto=False)
        DbOp(syncing.release, self.ws, r.client_id).success(released).parent(self).run_in_background()

    # --- a revoked laptop (app/ui/sync/revoked.py) ------------------------
    def _show_revoked(self) -> None:
        revoked.show(self)

    def export_unsynced(self):
        return revoked.choose_folder(self)

    def export_to(self, folder: str) -> None:
        revoked.export_to(self, folder)

    # --- quit -------------------------------------------------------------
    def shutdown(self) -> None:
        """Before the workspace closes: stop probing, cancel a running sync."""
        self.connectivity.stop()
        self.runner.stop()


def install_sync(window, settings_model=None, **kw) -> SyncScreen:
    """Put the sync screen into `window`. Call before install_home: its quit
    hook must cancel a running sync before the workspace is closed. Then
    attach_home(home) once the home screen exists."""
    screen = SyncScreen(window, settings_model or window.settings_model, **kw)
    was = window.current_screen()
    window.set_screen("sync", screen)
    window.show_screen(was)
    window.sync_screen = screen
    QApplication.instance().aboutToQuit.connect(screen.shutdown)
    return screen
