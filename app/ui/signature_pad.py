"""A signature with its signer: name, role, the drawn signature, and for the
inspected party the "refused to sign" path (reason, optional witness with
name, ID and signature)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from app.ui.i18n import tr
from app.ui.signature_canvas import SignatureCanvas
from app.ui.theme import form_layout


@dataclass
class SignatureResult:
    signer_name: str = ""
    role: str = ""
    png: bytes | None = None
    refused: bool = False
    refusal_reason: str = ""
    witness_name: str = ""
    witness_id: str = ""
    witness_png: bytes | None = None

    @property
    def has_signature(self) -> bool:
        return self.png is not None


def _canvas_with_buttons(canvas: SignatureCanvas) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(canvas, 1)
    row = QHBoxLayout()
    undo = QPushButton(tr("撤销一笔"))
    undo.setObjectName("undo")
    undo.clicked.connect(canvas.undo)
    clear = QPushButton(tr("清除重签"))
    clear.setObjectName("clear")
    clear.clicked.connect(canvas.clear)
    row.addStretch(1)
    row.addWidget(undo)
    row.addWidget(clear)
    lay.addLayout(row)
    return box


class SignaturePad(QWidget):
    """Emits `changed` on any edit; read everything with result()."""
    changed = Signal()

    def __init__(self, roles: list[str] | None = None, allow_refusal: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(tr("签字人姓名"))
        self.role_combo = QComboBox()
        self.role_combo.setEditable(True)
        self.role_combo.addItems(roles or [])
        self.canvas = SignatureCanvas()
        self.canvas_box = _canvas_with_buttons(self.canvas)

        form = form_layout()
        form.addRow(tr("姓名"), self.name_edit)
        form.addRow(tr("身份/职务"), self.role_combo)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.canvas_box, 1)

        self.refuse_check = QCheckBox(tr("拒绝签字"))
        self.refusal_box = QGroupBox(tr("拒签情况"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText(tr("请注明受检单位拒签的情况"))
        self.reason_edit.setFixedHeight(72)
        self.witness_name = QLineEdit()
        self.witness_id = QLineEdit()
        self.witness_canvas = SignatureCanvas(placeholder=tr("见证人在此签名（可选）"))
        self.witness_canvas.setMinimumHeight(120)
        rform = form_layout(self.refusal_box)
        rform.addRow(tr("拒签原因"), self.reason_edit)
        rform.addRow(tr("见证人姓名"), self.witness_name)
        rform.addRow(tr("见证人证件号"), self.witness_id)
        rform.addRow(tr("见证人签名"), _canvas_with_buttons(self.witness_canvas))
        lay.addWidget(self.refuse_check)
        lay.addWidget(self.refusal_box)
        self.refuse_check.setVisible(allow_refusal)
        self.refusal_box.setVisible(False)

        self.refuse_check.toggled.connect(self._on_refuse)
        for sig in (self.name_edit.textChanged, self.role_combo.currentTextChanged,
                    self.canvas.changed, self.reason_edit.textChanged,
                    self.witness_name.textChanged, self.witness_id.textChanged,
                    self.witness_canvas.changed):
            sig.connect(self.changed)

    def _on_refuse(self, refused: bool) -> None:
        self.refusal_box.setVisible(refused)
        self.canvas_box.setVisible(not refused)
        self.changed.emit()

    def set_signer(self, name: str, role: str = "") -> None:
        self.name_edit.setText(name)
        if role:
            self.role_combo.setCurrentText(role)

    def load(self, r: SignatureResult) -> None:
        """Show a saved signature (e.g. when going back to this page)."""
        self.set_signer(r.signer_name, r.role)
        self.canvas.set_png(r.png)
        self.refuse_check.setChecked(r.refused)
        self.reason_edit.setPlainText(r.refusal_reason)
        self.witness_name.setText(r.witness_name)
        self.witness_id.setText(r.witness_id)
        self.witness_canvas.set_png(r.witness_png)

    def is_empty(self) -> bool:
        """Nothing drawn (and not refused)."""
        return self.canvas.is_empty() and not self.refuse_check.isChecked()

    def result(self) -> SignatureResult:
        refused = self.refuse_check.isChecked()
        return SignatureResult(
            signer_name=self.name_edit.text().strip(),
            role=self.role_combo.currentText().strip(),
            png=None if refused else self.canvas.to_png(),
            refused=refused,
            refusal_reason=self.reason_edit.toPlainText().strip() if refused else "",
            witness_name=self.witness_name.text().strip() if refused else "",
            witness_id=self.witness_id.text().strip() if refused else "",
            witness_png=self.witness_canvas.to_png() if refused else None,
        )

