"""Step 8: the documents left with the party (notice, sampling form,
feedback form; payment slip and storage notice when relevant). Before
完成 they can be previewed; 完成 freezes the record and hashes it, and then
打印全部 prints every document in one job, each with its copies, all
carrying the record hash (and one by one: 预览 / 打印 / 导出PDF)."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton

from app.domain.visit import Visit, VisitStatus
from app.domain.workflow import Step
from app.services.documents import documents_to_leave, print_set
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import ACTIONS, DocumentActions, action_buttons, document_name
from app.ui.wizard.fields import form_group


class DocumentsPage(WizardPage):
    step = Step.DOCUMENTS

    def build(self) -> None:
        self.intro = hint("")
        self.body.addWidget(self.intro)
        self.actions = DocumentActions(self.session, self)
        top = QHBoxLayout()
        self.print_all_button = QPushButton(tr("打印全部"))
        self.print_all_button.setObjectName("print_all")
        self.print_all_button.clicked.connect(self.actions.print_all)
        self.print_all_note = QLabel()
        self.print_all_note.setObjectName("print_all_note")
        self.print_all_note.setWordWrap(True)
        self.print_all_note.setStyleSheet("color: #455a64;")
        top.addWidget(self.print_all_button)
        top.addWidget(self.print_all_note, 1)
        self.body.addLayout(top)
        self.docs_box = QGroupBox(tr("留存文书"))
        self.docs = QGridLayout(self.docs_box)
        self.docs.setColumnStretch(0, 1)
        self.body.addWidget(self.docs_box)
        self.body.addWidget(form_group(tr("备注"), [(tr("备注"), self.binder.text("remarks", tr("其他需要说明的情况"), 72))],
                                       columns=1))

    def on_load(self, visit: Visit) -> None:
        self._show_documents(visit)

    def on_read_only(self, ro: bool) -> None:
        if self.visit is not None:
            self._show_documents(self.visit)

    def _show_documents(self, visit: Visit) -> None:
        signed = visit.status == VisitStatus.FINISHED
        self.intro.setText(tr("抽样记录已签字生效。请点击“打印全部”打印留存文书（带记录哈希），交受检单位留存。")
                           if signed else
                           tr("请预览核对以下文书。确认无误后点击“完成”：抽样记录即签字生效并生成记录哈希，"
                              "之后只能更正/补充；完成后再打印留存文书，打印件带记录哈希。"))
        self.print_all_button.setEnabled(signed)
        self.print_all_button.setProperty("primary", signed)
        self.print_all_button.style().unpolish(self.print_all_button)
        self.print_all_button.style().polish(self.print_all_button)
        sheets = print_set(visit)              # the registry's copies of each
        count = sum(copies for _kind, copies in sheets)
        self.print_all_note.setText(tr("一次打印{n}份：{docs}", n=count, docs=tr("、").join(
            tr("{name}×{copies}", name=document_name(kind), copies=copies) for kind, copies in sheets))
            if signed else tr("完成后可打印"))
        while self.docs.count():
            old = self.docs.takeAt(0).widget()
            old.setParent(None)           # gone at once, not only after deleteLater
            old.deleteLater()
        which = ACTIONS if signed else ("preview",)
        for row, need in enumerate(documents_to_leave(visit)):
            name = QLabel(document_name(need.kind))
            name.setObjectName(f"doc.{need.kind.value}")
            self.docs.addWidget(name, row, 0)
            self.docs.addWidget(action_buttons(self.actions, need.kind, which), row, 1)
