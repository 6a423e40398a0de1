"""Moves between the screens of the main window: the home screen's signals
open the visit wizard (a new visit on a task, an unfinished one, or a
frozen one read-only); a frozen record returns to the home screen."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from app.services import visits
from app.ui.i18n import tr
from app.ui.ops import DbOp

log = logging.getLogger(__name__)


class Navigator(QObject):
    def __init__(self, window, home) -> None:
        super().__init__(window)
        self.window, self.home = window, home
        self.wizard = None
        home.open_task.connect(self.start_visit)
        home.continue_visit.connect(self.open_visit)
        home.open_visit.connect(self.open_visit)

    @property
    def ws(self):
        return self.window.workspace

    def start_visit(self, task_id: str) -> None:
        """A new visit on site for this task (refused with the reason if the
        province cancelled the task)."""
        if self.ws is None:
            return
        DbOp(visits.start_visit, self.ws, task_id).success(lambda v: self.open_visit(v.id)) \
            .parent(self.window).run_in_background()

    def open_visit(self, visit_id: str) -> None:
        from app.ui.wizard.wizard import VisitWizard
        if self.ws is None:
            return
        self.wizard = VisitWizard(self.ws, visit_id)
        self.wizard.finished.connect(self._finished)
        self.window.set_screen("visit", self.wizard)
        self.window.show_screen("visit")

    def _finished(self, visit_id: str, status: str) -> None:
        # Stay on the (now read-only) visit: the documents are printed from there.
        texts = {"finished": tr("抽样记录已签字确认并保存，等待同步。"),
                 "refused": tr("拒检认定表已保存，等待同步报送省局。"),
                 "problem_reported": tr("问题报送单已保存，等待同步报送省局。")}
        self.window.show_message(texts.get(status, texts["finished"]))
        log.info("visit %s ended: %s", visit_id, status)
