"""Step 8: the documents left with the party (notice, sampling form,
feedback form; payment slip, seal labels, storage notice when relevant),
each with 预览 / 打印 / 导出PDF. Accepting this step freezes the record."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel

from app.domain.visit import Visit
from app.domain.workflow import Step
from app.services.documents import documents_to_leave
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons, document_name
from app.ui.wizard.fields import form_group


class DocumentsPage(WizardPage):
    step = Step.DOCUMENTS

    def build(self) -> None:
        self.body.addWidget(hint(tr("向受检单位留存以下文书。确认无误后点击“完成”，"
                                    "抽样记录即签字生效，之后只能更正/补充。")))
        self.docs_box = QGroupBox(tr("留存文书"))
        self.docs = QGridLayout(self.docs_box)
        self.docs.setColumnStretch(0, 1)
        self.body.addWidget(self.docs_box)
        self.actions = DocumentActions(self.session, self)
        self.body.addWidget(form_group(tr("备注"), [(tr("备注"), self.binder.text("remarks", tr("其他需要说明的情况"), 72))],
                                       columns=1))

    def on_load(self, visit: Visit) -> None:
        while self.docs.count():
            self.docs.takeAt(0).widget().deleteLater()
        for row, need in enumerate(documents_to_leave(visit)):
            name = QLabel(document_name(need.kind))
            name.setObjectName(f"doc.{need.kind.value}")
            self.docs.addWidget(name, row, 0)
            self.docs.addWidget(action_buttons(self.actions, need.kind), row, 1)
