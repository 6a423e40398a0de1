"""添加现场抽样人员: a sampler not on the task's team joins on site (a
replacement for someone ill, a colleague of the same agency). Only manual
entry: the device knows no samplers beyond its own team. The dialog stays
open with what was typed until the addition is saved."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.messages import RuleViolation
from app.services import steps
from app.ui.i18n import language, tr
from app.ui.theme import MIN_TARGET, form_layout
from app.ui.wizard.fields import mark_invalid
from app.ui.wizard.session import VisitSession


class AddSamplerDialog(QDialog):
    added = Signal(object)           # the saved Visit

    def __init__(self, session: VisitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("add_sampler_dialog")
        self.setWindowTitle(tr("添加现场抽样人员"))
        self.name = QLineEdit()
        self.name.setObjectName("team.new.name")
        self.name.setPlaceholderText(tr("姓名"))
        self.certificate = QLineEdit()
        self.certificate.setObjectName("team.new.certificate_no")
        self.certificate.setPlaceholderText(tr("抽样证/执法证编号"))
        self.fields = {"team.new.name": self.name, "team.new.certificate_no": self.certificate}
        for edit in self.fields.values():
            edit.setMinimumHeight(MIN_TARGET)    # touch-size even where the app style is not applied
        self.error = QLabel()
        self.error.setObjectName("team.new.error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form = form_layout()
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("证件编号"), self.certificate)
        self.ok = QPushButton(tr("添加"))
        self.ok.setObjectName("team.new.ok")
        self.ok.setProperty("primary", True)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        cancel = QPushButton(tr("取消"))
        cancel.setObjectName("team.new.cancel")
        cancel.clicked.connect(self.reject)
        for b in (cancel, self.ok):
            b.setMinimumHeight(MIN_TARGET)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("不在本任务抽样组中的抽样人员（如替换因病缺席的同事）")))
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addLayout(buttons)
        self.setMinimumWidth(520)

    def submit(self) -> None:
        self.ok.setEnabled(False)       # one tap, one addition
        self.session.run_db(steps.add_sampler_on_site, name=self.name.text(),
                            certificate_no=self.certificate.text(), ok=self._done, fail=self._refused)

    def _done(self, visit) -> None:
        self.added.emit(visit)
        self.accept()

    def _refused(self, error: RuleViolation) -> None:
        self.ok.setEnabled(True)
        lang = language()
        self.error.setText("\n".join(error.texts(lang)))
        for key, widget in self.fields.items():
            mark_invalid(widget, "\n".join(p.text(lang) for p in error.problems if p.field == key))
        bad = next((self.fields[p.field] for p in error.problems if p.field in self.fields), None)
        if bad is not None:
            bad.setFocus()
