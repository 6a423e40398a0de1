"""First-time sign-in to the provincial server: server address (from the
settings), user name and password. The form only collects and shows; the
sync screen runs the enrollment off the GUI thread. The password field is
cleared after every attempt and never stored; the user name stays."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.i18n import tr
from app.ui.theme import STATUS_COLORS


class SignInForm(QWidget):
    submitted = Signal(str, str, str)   # server url, user name, password

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
        self.username = QLineEdit()
        self.username.setObjectName("signin_username")
        self.password = QLineEdit()
        self.password.setObjectName("signin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("signin_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {STATUS_COLORS['overdue']}; font-weight: bold;")
        self.error.setVisible(False)
        self.button = QPushButton(tr("登录"))
        self.button.setObjectName("signin_button")
        self.button.setProperty("primary", True)
        self.busy = QLabel(tr("正在登录…"))
        self.busy.setStyleSheet("color: #607d8b;")
        self.busy.setVisible(False)

        form = QFormLayout()
        form.addRow(tr("服务器地址"), self.server)
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
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
        for w in (self.server, self.username, self.password):
            w.setEnabled(not busy)
        if busy:
            self.error.setVisible(False)

    def show_error(self, text: str) -> None:
        """Refused: say why, keep the user name, ask for the password again."""
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
        self.error.setText(message)
        self.error.setVisible(bool(message))
