"""Step 6: seal the test and backup samples separately, at one time: print
the seal labels (unique numbers, QR), then photograph the sealed packages.
A backup left at the party needs the province's approval number, a place a
camera covers, seals at the openings and the storage notice."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSpinBox, QVBoxLayout

from app.domain.labels import SAMPLE_KIND, label
from app.domain.visit import EvidenceCategory, SampleKind, Visit
from app.domain.workflow import Step
from app.services import steps
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons
from app.ui.wizard.fields import form_group
from app.ui.wizard.photos import EvidencePhotos


def package_minimum(ws, product: str) -> tuple[int, int]:
    """Worker side: the packages the product's sampling rule asks for."""
    rule = ws.rule_for(product)
    return (rule.packages_test, rule.packages_backup) if rule else (1, 1)


class SealPage(WizardPage):
    step = Step.SEAL

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("检验样品和备用样品分别封样，一次完成；每个包装粘贴带唯一编号和二维码的封条，"
                                    "封好后拍照。")))
        storage = QGroupBox(tr("备用样品存放"))
        lay = QVBoxLayout(storage)
        on_site = b.check("backup_storage.on_site", tr("备用样品封存于受检单位（须经省局批准）"))
        on_site.toggled.connect(self._show_storage)
        lay.addWidget(on_site)
        self.storage_fields = form_group("", [
            (tr("省局批准文号"), b.line("backup_storage.approval_no")),
            (tr("封存地点"), b.line("backup_storage.location", tr("有监控覆盖的位置"))),
        ])
        self.storage_fields.setFlat(True)
        lay.addWidget(self.storage_fields)
        self.camera_covered = b.check("backup_storage.camera_covered", tr("封存地点在监控范围内"))
        lay.addWidget(self.camera_covered)
        self.body.addWidget(storage)

        seals = QGroupBox(tr("封条"))
        sl = QVBoxLayout(seals)
        # One label per package: as many as the samples were put in.
        self.test_packages, self.backup_packages = QSpinBox(), QSpinBox()
        counts = QHBoxLayout()
        for spin, name, text in ((self.test_packages, "seal.test_packages", tr("检验样品包装数")),
                                 (self.backup_packages, "seal.backup_packages", tr("备用样品包装数"))):
            spin.setObjectName(name)
            spin.setRange(1, steps.MAX_PACKAGES)
            spin.setMinimumWidth(150)
            lab = QLabel(text)
            lab.setBuddy(spin)
            counts.addWidget(lab)
            counts.addWidget(spin)
            counts.addSpacing(16)
        counts.addStretch(1)
        sl.addLayout(counts)
        row = QHBoxLayout()
        self.seal_button = QPushButton(tr("封样并打印封条"))
        self.seal_button.setObjectName("seal")
        self.seal_button.setProperty("primary", True)
        self.seal_button.clicked.connect(self.seal)
        row.addWidget(self.seal_button)
        self.actions = DocumentActions(self.session, self)
        self.label_buttons = action_buttons(self.actions, DocumentKind.SEAL_LABELS)
        row.addWidget(self.label_buttons)
        row.addStretch(1)
        sl.addLayout(row)
        self.seal_list = QLabel()
        self.seal_list.setObjectName("seal_list")
        self.seal_list.setWordWrap(True)
        sl.addWidget(self.seal_list)
        self.notice_row = QHBoxLayout()
        self.notice_label = QLabel(tr("封存和处置告知单："))
        self.notice_row.addWidget(self.notice_label)
        self.notice_buttons = action_buttons(self.actions, DocumentKind.STORAGE_NOTICE)
        self.notice_row.addWidget(self.notice_buttons)
        self.notice_row.addStretch(1)
        sl.addLayout(self.notice_row)
        self.body.addWidget(seals)
        self.photos = EvidencePhotos(self.session, [EvidenceCategory.SEALED, EvidenceCategory.ON_SITE_STORAGE],
                                     columns=2)
        self.body.addWidget(self.photos)

    def _show_storage(self, on: bool) -> None:
        for w in (self.storage_fields, self.camera_covered, self.notice_label, self.notice_buttons,
                  self.photos.grids[EvidenceCategory.ON_SITE_STORAGE.value]):
            w.setVisible(on)

    def on_load(self, visit: Visit) -> None:
        self._show_storage(visit.backup_storage.on_site)
        self.photos.load(visit)
        self.on_saved(visit)
        regular = [s for s in visit.seals if not s.on_site_storage]
        for spin, kind in ((self.test_packages, SampleKind.TEST), (self.backup_packages, SampleKind.BACKUP)):
            n = sum(1 for s in regular if s.kind == kind)
            if n:
                spin.setValue(n)
        if not regular:
            self.session.run_bg(package_minimum, self.session.ws, visit.sample.product, ok=self._set_minimum)

    def _set_minimum(self, minimum: tuple[int, int]) -> None:
        for spin, n in zip((self.test_packages, self.backup_packages), minimum):
            spin.setMinimum(n)
            spin.setValue(n)

    def on_saved(self, visit: Visit) -> None:
        if not visit.seals:
            self.seal_list.setText(tr("尚未封样"))
        else:
            lines = []
            for s in sorted(visit.seals, key=lambda s: (s.kind.value != "test", s.on_site_storage, s.package_no)):
                kind = label(SAMPLE_KIND, s.kind)
                extra = tr("（封存标识）") if s.on_site_storage else ""
                lines.append(tr("{no}：{kind} 第{n}包{extra}", no=s.seal_no, kind=kind, n=s.package_no, extra=extra))
            self.seal_list.setText("\n".join(lines))
        self.label_buttons.setEnabled(bool(visit.seals))
        self.seal_button.setText(tr("重新封样并打印封条") if visit.seals else tr("封样并打印封条"))
        # Once sealed, 下一步 is the way on: re-sealing is no longer the primary action.
        self.seal_button.setProperty("primary", not visit.seals)
        self.seal_button.style().unpolish(self.seal_button)
        self.seal_button.style().polish(self.seal_button)

    def seal(self) -> QMessageBox | None:
        """Seal, then send the labels to the printer (through the PDF seam).
        Sealing again issues new numbers: the printed labels become void."""
        if self.visit is not None and self.visit.seals:
            box = QMessageBox(QMessageBox.Icon.Warning, tr("重新封样"),
                              tr("重新封样会生成新的封条编号，已打印的封条作废，须撕下并贴上新封条。继续吗？"),
                              QMessageBox.StandardButton.NoButton, self)
            box.setObjectName("reseal_confirm")
            again = box.addButton(tr("重新封样"), QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(lambda _r: box.clickedButton() is again and self._seal())
            box.open()
            return box
        self._seal()
        return None

    def _seal(self) -> None:
        self.binder.flush()
        self.session.run_db(steps.seal_samples, test_packages=self.test_packages.value(),
                            backup_packages=self.backup_packages.value(), ok=self._print_labels)

    def _print_labels(self, visit: Visit) -> None:
        if visit.seals:
            self.actions.run(DocumentKind.SEAL_LABELS, "print")

    def on_read_only(self, ro: bool) -> None:
        self.seal_button.setEnabled(not ro)
        self.test_packages.setEnabled(not ro)
        self.backup_packages.setEnabled(not ro)
        self.photos.set_read_only(ro)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({f.split(".", 1)[1] for f in fields if f.startswith("evidence.")})
