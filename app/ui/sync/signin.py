"""Sign-in to the provincial server: server address (from the settings),
the one-time enrollment code (a real server requires one; the demo does
not), user name and password. The form only collects and shows; the sync
screen runs the enrollment off the GUI thread. The password field is
cleared after every attempt and never stored; the user name stays.

A revoked laptop sees why, that its unsynced records are still here, and a
button to export them (app/services/export.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.i18n import tr
from app.ui.theme import STATUS_COLORS


class SignInForm(QWidget):
    submitted = Signal(str, str, str)   # server url, user name, password (the code: self.code)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_signin")
        box = QFrame()
        box.setObjectName("signin_box")
        box.setMinimumWidth(560)
        box.setMaximumWidth(640)
        box.setStyleSheet("#signin_box { border: 1px solid #cfd8dc; border-radius: 8px; background: white; }")
        title = QLabel(tr("登录同步服务器"))
        title.setStyleSheet("font-weight: bold; font-size: 15pt;")
        hint = QLabel(tr("本设备首次同步前需登录一次。登录后设备凭据保存在系统密钥环中，密码不会保存在本机。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b;")
        self.server = QLineEdit()
        self.server.setObjectName("signin_server")
        self.server.setPlaceholderText("https://sync.example.gov.cn")
        self.code = QLineEdit()
        self.code.setObjectName("signin_code")
        self.code.setPlaceholderText(tr("XXXX-XXXX-XXXX（管理员提供；演示服务器不需要）"))
        self.username = QLineEdit()
        self.username.setObjectName("signin_username")
        self.password = QLineEdit()
        self.password.setObjectName("signin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("signin_error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self._error_style()
        self.button = QPushButton(tr("登录"))
        self.button.setObjectName("signin_button")
        self.button.setProperty("primary", True)
        self.revoked = QLabel()
        self.revoked.setObjectName("signin_revoked")
        self.revoked.setWordWrap(True)
        self.revoked.setStyleSheet("background: #fff3e0; border: 1px solid #ffb74d; border-radius: 4px;"
                                   " padding: 8px;")
        self.revoked.setVisible(False)
        self.export_button = QPushButton(tr("导出未同步记录…"))
        self.export_button.setObjectName("signin_export")
        self.export_button.setVisible(False)
        self.export_button.clicked.connect(self.export_requested)
        self.busy = QLabel(tr("正在登录…"))
        self.busy.setStyleSheet("color: #607d8b;")
        self.busy.setVisible(False)

        form = QFormLayout()
        form.addRow(tr("服务器地址"), self.server)
        form.addRow(tr("登记码"), self.code)
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(self.revoked)
        inner.addWidget(self.export_button)
        inner.addWidget(hint)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.busy)
        inner.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)

    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        self.submitted.emit(self.server.text().strip(), self.username.text().strip(), self.password.text())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.busy.setVisible(busy)
        for w in (self.server, self.code, self.username, self.password):
            w.setEnabled(not busy)
        if busy:
            self.error.setVisible(False)

    def _error_style(self, color: str = STATUS_COLORS["overdue"]) -> None:
        self.error.setStyleSheet(f"color: {color}; font-weight: bold;")

    def show_note(self, text: str) -> None:
        """Something done (not an error), in the same place."""
        self._error_style("#2e7d32")
        self.error.setText(text)
        self.error.setVisible(True)

    def show_error(self, text: str) -> None:
        """Refused: say why, keep the user name, ask for the password again."""
        self._error_style()
        self.set_busy(False)
        self.password.clear()
        self.error.setText(text)
        self.error.setVisible(bool(text))
        (self.password if self.username.text() else self.username).setFocus()

    def reset(self, server: str, username: str = "", message: str = "") -> None:
        self.server.setText(server)
        if username:
            self.username.setText(username)
        self.password.clear()
        self.set_busy(False)
        self._error_style()
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_revoked(self, text: str, unsynced: int) -> None:
        """The server revoked this laptop: say so, and that its records are kept."""
        if not text:
            self.revoked.setVisible(False)
            self.export_button.setVisible(False)
            return
        kept = tr("本机未同步的记录（{n}条）和照片仍完整保存，可导出备份；"
                  "向管理员申请新的登记码重新登记后，会继续同步。", n=unsynced)
        self.revoked.setText(text + "\n" + kept)
        self.revoked.setVisible(True)
        self.export_button.setVisible(True)
