"""Settings: server address, label size, printer, language; the data folder
is shown read-only (it is chosen with --data-dir or $FIELD_SAMPLER_DATA)."""
from __future__ import annotations

from urllib.parse import urlparse

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from app.ui.i18n import tr
from app.ui.settings_model import SettingsModel, label_size_choices, language_choices, printer_names
from app.ui.theme import STATUS_COLORS, form_layout


def server_url_problem(url: str) -> str:
    """'' if the address is usable (or empty: not set up yet)."""
    if not url:
        return ""
    u = urlparse(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        return tr("服务器地址应以 http:// 或 https:// 开头，例如 https://cj.example.gov.cn")
    return ""


class SettingsDialog(QDialog):
    def __init__(self, model: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        s = model.settings
        self.setWindowTitle(tr("设置"))
        self.setMinimumWidth(620)

        self.server_edit = QLineEdit(s.server_url)
        self.server_edit.setPlaceholderText("https://")
        self.server_error = QLabel()
        self.server_error.setStyleSheet(f"color: {STATUS_COLORS['missing']};")
        self.server_error.setWordWrap(True)
        self.server_error.hide()
        self.label_combo = QComboBox()
        for key, text in label_size_choices():
            self.label_combo.addItem(text, key)
        self.label_combo.setCurrentIndex(max(0, self.label_combo.findData(s.label_size)))
        self.printer_combo = QComboBox()
        self.printer_combo.addItem(tr("系统默认打印机"), "")
        for name in printer_names():
            self.printer_combo.addItem(name, name)
        if s.printer and self.printer_combo.findData(s.printer) < 0:
            self.printer_combo.addItem(tr("{name}（未连接）", name=s.printer), s.printer)
        self.printer_combo.setCurrentIndex(max(0, self.printer_combo.findData(s.printer)))
        self.language_combo = QComboBox()
        for key, text in language_choices():
            self.language_combo.addItem(text, key)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(s.language)))
        self.language_note = QLabel(tr("界面语言在重新启动后生效"))
        self.language_note.setStyleSheet("color: #607d8b;")
        self.data_edit = QLineEdit(str(model.data_dir))
        self.data_edit.setReadOnly(True)
        open_data = QPushButton(tr("打开"))
        open_data.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(model.data_dir))))
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_edit, 1)
        data_row.addWidget(open_data)

        form = form_layout()
        form.addRow(tr("服务器地址"), self.server_edit)
        form.addRow("", self.server_error)
        form.addRow(tr("标签尺寸"), self.label_combo)
        form.addRow(tr("打印机"), self.printer_combo)
        form.addRow(tr("语言"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(tr("数据文件夹"), data_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self.server_edit.textEdited.connect(lambda _t: self.server_error.hide())

    def accept(self) -> None:
        url = self.server_edit.text().strip()
        problem = server_url_problem(url)
        if problem:
            self.server_error.setText(problem)
            self.server_error.show()
            self.server_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return  # stay open; what was typed is kept
        self.model.update(server_url=url.rstrip("/"), label_size=self.label_combo.currentData(),
                          printer=self.printer_combo.currentData(),
                          language=self.language_combo.currentData())
        super().accept()
