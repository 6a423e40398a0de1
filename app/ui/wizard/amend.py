"""A frozen record: the read-only banner, and 更正/补充 — an amendment that
keeps the signed original and is confirmed by the party's signature."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain.times import china_text
from app.domain.visit import Visit, VisitStatus
from app.services import signing
from app.ui.i18n import language, tr
from app.ui.signature_pad import SignaturePad
from app.ui.wizard.labels import amendable_fields
from app.ui.wizard.session import VisitSession

class AmendDialog(QDialog):
    amended = Signal(object)         # the Amendment

    def __init__(self, session: VisitSession, visit: Visit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.visit = session, visit
        self.setWindowTitle(tr("更正/补充"))
        self.field = QComboBox()
        self.field.setObjectName("amend.field")
        for path, text in amendable_fields():
            self.field.addItem(text, path)
        self.old = QLabel()
        self.old.setObjectName("amend.old")
        self.old.setWordWrap(True)
        self.new_value = QLineEdit()
        self.new_value.setObjectName("amend.new_value")
        self.reason = QLineEdit()
        self.reason.setObjectName("amend.reason")
        self.pad = SignaturePad(roles=[tr("受检单位负责人")])
        self.pad.setObjectName("amend.pad")
        self.pad.set_signer(visit.party.contact, tr("受检单位负责人"))
        self.error = QLabel()
        self.error.setObjectName("amend.error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("更正项目"), self.field)
        form.addRow(tr("原内容"), self.old)
        form.addRow(tr("更正为"), self.new_value)
        form.addRow(tr("更正原因"), self.reason)
        ok = QPushButton(tr("受检单位签字确认更正"))
        ok.setObjectName("amend.ok")
        ok.setProperty("primary", True)
        ok.clicked.connect(self.submit)
        cancel = QPushButton(tr("取消"))
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(cancel)
        row.addWidget(ok)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(tr("受检单位签字确认：")))
        lay.addWidget(self.pad, 1)
        lay.addLayout(row)
        self.field.currentIndexChanged.connect(self._show_old)
        self._show_old()
        self.resize(720, 640)

    def _show_old(self) -> None:
        self.old.setText(signing.effective_value(self.visit, self.field.currentData()) or "—")

    def submit(self) -> None:
        self.error.setText("")
        self.session.run_db(signing.amend, path=self.field.currentData(), new_value=self.new_value.text(),
                            reason=self.reason.text(), party_png=self.pad.result().png,
                            ok=self._done, fail=lambda e: self.error.setText("\n".join(e.texts(language()))))

    def _done(self, amendment) -> None:
        self.amended.emit(amendment)
        self.accept()


class AmendBanner(QFrame):
    """Shown over a frozen visit: what it is, its amendments, 更正/补充."""

    def __init__(self, session: VisitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.visit: Visit | None = None
        self.dialog: AmendDialog | None = None
        self.setObjectName("frozen_banner")
        self.setStyleSheet("#frozen_banner { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 6px; }")
        self.text = QLabel()
        self.text.setObjectName("frozen_text")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("border: none;")
        self.amend_button = QPushButton(tr("更正/补充"))
        self.amend_button.setObjectName("amend")
        self.amend_button.clicked.connect(self.open_dialog)
        lay = QHBoxLayout(self)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.amend_button, 0, Qt.AlignmentFlag.AlignTop)

    _OK = "#frozen_banner { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 6px; }"
    _TAMPERED = "#frozen_banner { background: #ffebee; border: 2px solid #c62828; border-radius: 6px; }"

    def show_visit(self, visit: Visit, integrity: list | None = None) -> None:
        """`integrity`: what does not agree with the signed record (red, no amendment possible)."""
        self.visit = visit
        if not visit.frozen:
            return
        if integrity:
            self.setStyleSheet(self._TAMPERED)
            self.text.setStyleSheet("border: none; color: #b71c1c; font-weight: bold;")
            self.text.setText("\n".join(p.text(language()) for p in integrity))
            self.amend_button.setVisible(False)
            return
        self.setStyleSheet(self._OK)
        self.text.setStyleSheet("border: none;")
        when = china_text(visit.finished_at)     # China time, like every time on screen
        # Only a finished record was signed: a refusal or a problem report was not.
        lines = [{VisitStatus.FINISHED: tr("本记录已于{when}签字确认，只读。点击左侧步骤可查看各页。", when=when),
                  VisitStatus.REFUSED: tr("本次抽样已于{when}以拒检结束，拒检认定表已保存，只读。", when=when),
                  VisitStatus.PROBLEM_REPORTED: tr("本次抽样已于{when}以问题报送结束，问题报送单已保存，只读。", when=when),
                  }.get(visit.status, tr("本次抽样已终止（任务已取消），只读。"))]
        for a in visit.amendments:
            lines.append(tr("更正：{field}　{old} → {new}（{reason}）", field=a.path, old=a.old_value or "—",
                            new=a.new_value, reason=a.reason))
        self.text.setText("\n".join(lines))
        self.amend_button.setVisible(visit.status == VisitStatus.FINISHED)

    def open_dialog(self) -> AmendDialog:
        self.dialog = AmendDialog(self.session, self.visit, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.open()
        return self.dialog
