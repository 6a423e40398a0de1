"""Step 1: who of the team is present (with ID / certificate numbers), who
joined on site, and which documents were shown to the party."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain.visit import TeamMember, Visit
from app.domain.workflow import Step
from app.services import steps
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.add_sampler import AddSamplerDialog
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons


class ArrivePage(WizardPage):
    step = Step.ARRIVE

    def build(self) -> None:
        self.body.addWidget(hint(tr("抽样人员不得少于2名，并向受检单位出示监督抽查通知书、"
                                    "抽样人员身份证明和授权委托书复印件。")))
        self.team_box = QGroupBox(tr("抽样人员"))
        team_lay = QVBoxLayout(self.team_box)
        self.team_grid = QGridLayout()
        team_lay.addLayout(self.team_grid)
        self.team_rows: list[tuple[TeamMember, QCheckBox, QLineEdit]] = []
        self.remove_buttons: list[QPushButton] = []
        self.add_button = QPushButton(tr("添加现场抽样人员"))
        self.add_button.setObjectName("team.add")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.add_dialog: AddSamplerDialog | None = None
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        team_lay.addLayout(add_row)
        self.body.addWidget(self.team_box)

        shown = QGroupBox(tr("已出示的文件"))
        lay = QVBoxLayout(shown)
        lay.addWidget(self.binder.check("shown.inspection_notice", tr("监督抽查通知书")))
        self.actions = DocumentActions(self.session, self)
        self.actions.on_done = self._notice_shown
        notice = action_buttons(self.actions, DocumentKind.INSPECTION_NOTICE, ("preview", "print"))
        notice.layout().insertWidget(0, QLabel(tr("通知书可在屏幕上全屏出示，也可打印：")))
        notice.layout().addStretch(1)
        lay.addWidget(notice)
        lay.addWidget(self.binder.check("shown.sampler_ids", tr("抽样人员身份证明（工作证/抽样证）")))
        lay.addWidget(self.binder.check("shown.authorization_letter", tr("授权委托书复印件")))
        self.body.addWidget(shown)

    def on_load(self, visit: Visit) -> None:
        self._show_team(visit)

    def _notice_shown(self, kind: DocumentKind, _action: str) -> None:
        """Showing the notice on screen or printing it is showing it."""
        box = self.binder.widget("shown.inspection_notice")
        if kind == DocumentKind.INSPECTION_NOTICE and not self.read_only and not box.isChecked():
            box.setChecked(True)          # saved like a tick by hand

    def _show_team(self, visit: Visit) -> None:
        while self.team_grid.count():
            self.team_grid.takeAt(0).widget().deleteLater()
        self.team_rows, self.remove_buttons = [], []
        self.team_grid.addWidget(QLabel(tr("在场")), 0, 0)
        self.team_grid.addWidget(QLabel(tr("证件编号")), 0, 1)
        for i, m in enumerate(visit.team, 1):
            present = QCheckBox(tr("{name}（现场添加）", name=m.name) if m.added_on_site else m.name)
            present.setObjectName(f"team.{m.sampler_id}.present")
            present.setChecked(m.present)
            cert = QLineEdit(m.certificate_no)
            cert.setObjectName(f"team.{m.sampler_id}.certificate_no")
            cert.setPlaceholderText(tr("身份证明/抽样证编号"))
            present.toggled.connect(lambda _c: self._save_team())
            cert.editingFinished.connect(self._save_team)
            self.team_grid.addWidget(present, i, 0)
            self.team_grid.addWidget(cert, i, 1)
            if m.added_on_site:
                remove = QPushButton(tr("删除"))
                remove.setObjectName(f"team.{m.sampler_id}.remove")
                remove.clicked.connect(lambda _c=False, m=m: self.ask_remove(m))
                self.team_grid.addWidget(remove, i, 2)
                self.remove_buttons.append(remove)
            else:
                self.team_grid.addWidget(QWidget(), i, 2)   # keeps the grid's rows whole for takeAt
            self.team_rows.append((m, present, cert))
        self.team_grid.setColumnStretch(1, 1)
        self._team_saved = self._team()
        self.on_read_only(self.read_only)

    def _team(self) -> list[TeamMember]:
        return [TeamMember(m.sampler_id, m.name, cert.text().strip(), present.isChecked(), m.added_on_site)
                for m, present, cert in self.team_rows]

    def _save_team(self) -> None:
        team = self._team()
        if team != self._team_saved:
            self._team_saved = team
            self.session.save("team", steps.confirm_team, team)

    def flush_extra(self) -> None:
        self._save_team()

    # --- joining and leaving on site ------------------------------------------
    def open_add_dialog(self) -> AddSamplerDialog:
        self._save_team()               # queued before the addition: the reloaded list keeps it
        self.add_dialog = AddSamplerDialog(self.session, self)
        self.add_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.add_dialog.added.connect(self._show_team)
        self.add_dialog.finished.connect(lambda _r: setattr(self, "add_dialog", None))
        self.add_dialog.open()
        return self.add_dialog

    def ask_remove(self, member: TeamMember) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, tr("删除现场添加的抽样人员"),
                          tr("从本次抽样的抽样人员中删除{name}（{certificate_no}）？",
                             name=member.name, certificate_no=member.certificate_no),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("team.remove_confirm")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setText(tr("删除"))
        box.button(QMessageBox.StandardButton.No).setText(tr("取消"))
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self._remove(member))
        box.open()
        return box

    def _remove(self, member: TeamMember) -> None:
        self._save_team()
        self.session.run_db(steps.remove_sampler_on_site, member.sampler_id, ok=self._show_team)

    def on_read_only(self, ro: bool) -> None:
        for _m, present, cert in self.team_rows:
            present.setEnabled(not ro)
            cert.setReadOnly(ro)
        for b in self.remove_buttons:
            b.setVisible(not ro)
        self.add_button.setVisible(not ro)
