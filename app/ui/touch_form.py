"""The form layout of every form page (app.ui.theme.form_layout makes one)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel

from app.ui.theme import MIN_TARGET


class TouchForm(QFormLayout):
    """A form whose text labels sit level with their touch-size fields
    (QFormLayout top-aligns a label against a taller field)."""

    def addRow(self, label, field=None):  # noqa: N802 - Qt naming
        if isinstance(label, str) and label and field is not None:
            lab = QLabel(label)
            lab.setMinimumHeight(MIN_TARGET)
            lab.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return super().addRow(lab, field)
        return super().addRow(label) if field is None else super().addRow(label, field)
