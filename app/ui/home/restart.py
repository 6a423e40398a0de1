"""开始抽样 on a task whose visit has ended (completed, refused, problem
reported): no second record is made silently. The sampler sees how it
ended and can open that record; only an explicit choice with a written
reason (e.g. the party refused, then agreed) starts a new visit, and the
reason goes into the new record."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.reference import TaskSummary
from app.ui.home.columns import outcome_text, when
from app.ui.i18n import tr
from app.ui.wizard.fields import TextArea


class RestartDialog(QDialog):
    restart = Signal(str, str)       # task id, reason
    open_record = Signal(str)        # visit id of the ended visit

    def __init__(self, task: TaskSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        out = task.outcome
        self.setObjectName("restart_dialog")
        self.setWindowTitle(tr("该任务的抽样已结束"))
        text = QLabel(tr("{party}（{product}）的抽样已于{when}结束：{outcome}，抽样单编号{no}。",
                         party=task.party_name, product=task.products, when=when(out.finished_at),
                         outcome=outcome_text(out.status), no=out.record_no))
        text.setWordWrap(True)
        text.setObjectName("restart_text")
        note = QLabel(tr("一般无需再次抽样。确需再次抽样的（如受检单位拒检后又同意抽样），"
                         "将生成一份新的抽样记录，原记录保留不变。请说明原因："))
        note.setWordWrap(True)
        note.setStyleSheet("color: #455a64;")
        self.reason = TextArea(tr("例如：受检单位负责人到场后同意配合抽样"), 64)
        self.reason.setObjectName("restart_reason")
        self.reason.textChanged.connect(self._update)
        self.view_button = QPushButton(tr("查看原记录"))
        self.view_button.setObjectName("restart_view")
        self.view_button.clicked.connect(self._view)
        cancel = QPushButton(tr("取消"))
        cancel.setObjectName("restart_cancel")
        cancel.clicked.connect(self.reject)
        self.start_button = QPushButton(tr("再次抽样"))
        self.start_button.setObjectName("restart_start")
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self._start)
        row = QHBoxLayout()
        row.addWidget(self.view_button)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.start_button)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(note)
        lay.addWidget(self.reason)
        lay.addLayout(row)
        self.setMinimumWidth(560)

    def _update(self) -> None:
        self.start_button.setEnabled(bool(self.reason.text().strip()))

    def _view(self) -> None:
        self.open_record.emit(self.task.outcome.visit_id)
        self.accept()

    def _start(self) -> None:
        reason = self.reason.text().strip()
        if reason:
            self.restart.emit(self.task.id, reason)
            self.accept()


def ask_restart(parent: QWidget, task: TaskSummary, on_restart, on_open) -> RestartDialog:
    dlg = RestartDialog(task, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.restart.connect(on_restart)
    dlg.open_record.connect(on_open)
    dlg.open()
    return dlg
