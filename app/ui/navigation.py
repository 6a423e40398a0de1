"""Moves between the screens of the main window: the home screen's signals
open the visit wizard (a new visit on a task, an unfinished one, or a
frozen one read-only); a frozen record returns to the home screen.

The 当前抽样 tab shows the open visit; with none open it opens the visit
under way, if any, else says plainly that no visit is open. Status-bar
messages about a visit belong to that visit: they go when another visit
opens, and "waiting for sync" goes once the sync has delivered everything."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services import visits
from app.ui.i18n import tr
from app.ui.ops import DbOp

log = logging.getLogger(__name__)
VISIT = "visit"          # context of the status-bar messages about a visit


class NoVisitPage(QWidget):
    """The 当前抽样 tab while no visit is open."""

    def __init__(self, show_tasks) -> None:
        super().__init__()
        self.setObjectName("no_visit")
        text = QLabel(tr("当前没有打开的抽样。"))
        text.setObjectName("no_visit_text")
        text.setStyleSheet("font-size: 14pt; color: #455a64;")
        hint = QLabel(tr("请在“任务”页选择任务，点击“开始抽样”；未完成的抽样在“进行中的抽样”中继续。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b;")
        tasks = QPushButton(tr("查看任务"))
        tasks.setObjectName("no_visit_tasks")
        tasks.clicked.connect(show_tasks)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(tasks)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addLayout(row)
        lay.addStretch(2)


class Navigator(QObject):
    def __init__(self, window, home) -> None:
        super().__init__(window)
        self.window, self.home = window, home
        self.wizard = None
        home.open_task.connect(self.start_visit)
        home.restart_task.connect(lambda task_id, reason: self.start_visit(task_id, reason))
        home.continue_visit.connect(self.open_visit)
        home.open_visit.connect(self.open_visit)
        window.set_screen("visit", NoVisitPage(lambda: window.show_screen("tasks")))
        window.screen_changed.connect(self._screen_changed)
        sync = getattr(window, "sync_screen", None)
        if sync is not None:
            sync.sync_finished.connect(self._synced)

    @property
    def ws(self):
        return self.window.workspace

    def start_visit(self, task_id: str, restart_reason: str = "") -> None:
        """A new visit on site for this task (refused with the reason if the
        province cancelled the task, or if its visit ended and no reason to
        visit again is given)."""
        if self.ws is None:
            return
        DbOp(visits.start_visit, self.ws, task_id, restart_reason=restart_reason) \
            .success(lambda v: self.open_visit(v.id)).parent(self.window).run_in_background()

    def open_visit(self, visit_id: str) -> None:
        from app.ui.wizard.wizard import VisitWizard
        if self.ws is None:
            return
        self.window.clear_message(VISIT)     # a message about another visit does not apply here
        self.wizard = VisitWizard(self.ws, visit_id)
        self.wizard.finished.connect(self._finished)
        self.window.set_screen("visit", self.wizard)
        self.window.show_screen("visit")

    def _screen_changed(self, key: str) -> None:
        """当前抽样 with no wizard open: open the visit under way, if any."""
        if key != "visit" or self.wizard is not None:
            return
        data = getattr(self.home, "data", None)
        if data is not None and data.in_progress:
            self.open_visit(data.in_progress[0].id)

    def _finished(self, visit_id: str, status: str) -> None:
        # Stay on the (now read-only) visit: the documents are printed from there.
        texts = {"finished": tr("抽样记录已签字确认并保存，等待同步。"),
                 "refused": tr("拒检认定表已保存，等待同步报送省局。"),
                 "problem_reported": tr("问题报送单已保存，等待同步报送省局。")}
        self.window.show_message(texts.get(status, texts["finished"]), VISIT)
        log.info("visit %s ended: %s", visit_id, status)

    def _synced(self, _report) -> None:
        """Everything delivered: "waiting for sync" is no longer true."""
        rows = self.window.sync_screen.model.rows
        if all(r.status == "sent" for r in rows):
            self.window.clear_message(VISIT)
