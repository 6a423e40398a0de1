"""Step 1: who of the team is present (with ID / certificate numbers) and
which documents were shown to the party."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout

from app.domain.visit import TeamMember, Visit
from app.domain.workflow import Step
from app.services import steps
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons


class ArrivePage(WizardPage):
    step = Step.ARRIVE

    def build(self) -> None:
        self.body.addWidget(hint(tr("抽样人员不得少于2名，并向受检单位出示监督抽查通知书、"
                                    "抽样人员身份证明和授权委托书复印件。")))
        self.team_box = QGroupBox(tr("抽样人员"))
        self.team_grid = QGridLayout(self.team_box)
        self.team_rows: list[tuple[TeamMember, QCheckBox, QLineEdit]] = []
        self.body.addWidget(self.team_box)

        shown = QGroupBox(tr("已出示的文件"))
        lay = QVBoxLayout(shown)
        lay.addWidget(self.binder.check("shown.inspection_notice", tr("监督抽查通知书")))
        self.actions = DocumentActions(self.session, self)
        notice = action_buttons(self.actions, DocumentKind.INSPECTION_NOTICE, ("preview", "print"))
        notice.layout().insertWidget(0, QLabel(tr("通知书可在屏幕上全屏出示，也可打印：")))
        notice.layout().addStretch(1)
        lay.addWidget(notice)
        lay.addWidget(self.binder.check("shown.sampler_ids", tr("抽样人员身份证明（工作证/抽样证）")))
        lay.addWidget(self.binder.check("shown.authorization_letter", tr("授权委托书复印件")))
        self.body.addWidget(shown)

    def on_load(self, visit: Visit) -> None:
        while self.team_grid.count():
            self.team_grid.takeAt(0).widget().deleteLater()
        self.team_rows = []
        self.team_grid.addWidget(QLabel(tr("在场")), 0, 0)
        self.team_grid.addWidget(QLabel(tr("证件编号")), 0, 1)
        for i, m in enumerate(visit.team, 1):
            present = QCheckBox(m.name)
            present.setObjectName(f"team.{m.sampler_id}.present")
            present.setChecked(m.present)
            cert = QLineEdit(m.certificate_no)
            cert.setObjectName(f"team.{m.sampler_id}.certificate_no")
            cert.setPlaceholderText(tr("身份证明/抽样证编号"))
            present.toggled.connect(lambda _c: self._save_team())
            cert.editingFinished.connect(self._save_team)
            cert.setReadOnly(self.read_only)
            present.setEnabled(not self.read_only)
            self.team_grid.addWidget(present, i, 0)
            self.team_grid.addWidget(cert, i, 1)
            self.team_rows.append((m, present, cert))
        self.team_grid.setColumnStretch(1, 1)
        self._team_saved = self._team()

    def _team(self) -> list[TeamMember]:
        return [TeamMember(m.sampler_id, m.name, cert.text().strip(), present.isChecked())
                for m, present, cert in self.team_rows]

    def _save_team(self) -> None:
        team = self._team()
        if team != self._team_saved:
            self._team_saved = team
            self.session.save("team", steps.confirm_team, team)

    def flush_extra(self) -> None:
        self._save_team()

    def on_read_only(self, ro: bool) -> None:
        for _m, present, cert in self.team_rows:
            present.setEnabled(not ro)
            cert.setReadOnly(ro)
