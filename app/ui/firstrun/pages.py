"""The pages of the first-run screen. Each only collects input and shows
results; screen.py runs the checks and the enrollment off the GUI thread."""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget)

from app.ui.i18n import tr
from app.ui.settings_model import label_size_choices, language_choices
from app.ui.theme import STATUS_COLORS, form_layout


def _title(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setStyleSheet("font-weight: bold; font-size: 16pt;")
    return lab


def _hint(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setStyleSheet("color: #607d8b;")
    return lab


class Page(QFrame):
    """A card with a title, a hint, the page's fields, an error line, a
    busy line, and the buttons at the bottom."""

    def __init__(self, name: str, title: str, hint: str) -> None:
        super().__init__()
        self.setObjectName(f"firstrun_{name}")
        self.setMinimumWidth(600)
        self.setMaximumWidth(720)
        self.setStyleSheet(f"#firstrun_{name} {{ border: 1px solid #cfd8dc; border-radius: 8px;"
                           " background: white; }")
        self.error = QLabel()
        self.error.setObjectName(f"firstrun_{name}_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {STATUS_COLORS['overdue']}; font-weight: bold;")
        self.error.hide()
        self.busy = QLabel()
        self.busy.setStyleSheet("color: #607d8b;")
        self.busy.hide()
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.body = QVBoxLayout()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 26, 32, 26)
        lay.setSpacing(12)
        lay.addWidget(_title(title))
        lay.addWidget(_hint(hint))
        lay.addLayout(self.body)
        lay.addWidget(self.error)
        lay.addWidget(self.busy)
        lay.addLayout(self.buttons)
        self.inputs: list[QWidget] = []

    def button(self, text: str, name: str, primary: bool = False) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        if primary:
            b.setProperty("primary", True)
        self.buttons.addWidget(b)
        self.inputs.append(b)
        return b

    def set_busy(self, text: str = "") -> None:
        for w in self.inputs:
            w.setEnabled(not text)
        self.busy.setText(text)
        self.busy.setVisible(bool(text))
        if text:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.set_busy("")
        self.error.setText(text)
        self.error.setVisible(bool(text))


class LanguagePage(Page):
    def __init__(self, current: str) -> None:
        super().__init__("language", tr("欢迎使用抽样助手"),
                         tr("首次使用需要连接省级服务器登记本机。请先选择界面语言。"))
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for key, text in language_choices():
            r = QRadioButton(text)
            r.setObjectName(f"firstrun_lang_{key}")
            r.setChecked(key == current)
            self.group.addButton(r)
            self.radios[key] = r
            self.body.addWidget(r)
            self.inputs.append(r)
        self.next = self.button(tr("下一步"), "firstrun_language_next", primary=True)

    def choice(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())


class ServerPage(Page):
    def __init__(self, url: str) -> None:
        super().__init__("server", tr("省级服务器地址"),
                         tr("请输入管理员提供的服务器地址，或扫描登记二维码（会同时填好登记码）。"))
        self.address = QLineEdit(url)
        self.address.setObjectName("firstrun_address")
        self.address.setPlaceholderText("https://cj.example.gov.cn")
        form = form_layout()
        form.addRow(tr("服务器地址"), self.address)
        self.body.addLayout(form)
        self.inputs.append(self.address)
        self.scan = self.button(tr("扫描登记二维码"), "firstrun_scan")
        self.next = self.button(tr("下一步"), "firstrun_server_next", primary=True)
        self.address.returnPressed.connect(self.next.click)


class EnrollPage(Page):
    def __init__(self, username: str = "") -> None:
        super().__init__("enroll", tr("登记本机"),
                         tr("输入管理员给您的一次性登记码（可扫描二维码），以及您的用户名和密码。"
                            "本机会生成设备密钥，保存在系统密钥环中，并把公钥登记到服务器。密码不会保存在本机。"))
        self.server_label = QLabel()
        self.server_label.setStyleSheet("color: #37474f;")
        self.code = QLineEdit()
        self.code.setObjectName("firstrun_code")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX")
        self.username = QLineEdit(username)
        self.username.setObjectName("firstrun_username")
        self.password = QLineEdit()
        self.password.setObjectName("firstrun_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = form_layout()
        form.addRow(tr("服务器"), self.server_label)
        form.addRow(tr("登记码"), self.code)
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        self.body.addLayout(form)
        self.inputs += [self.code, self.username, self.password]
        self.back = self.button(tr("上一步"), "firstrun_enroll_back")
        self.scan = self.button(tr("扫描二维码"), "firstrun_enroll_scan")
        self.next = self.button(tr("登记"), "firstrun_enroll_submit", primary=True)
        self.password.returnPressed.connect(self.next.click)

    def show_error(self, text: str) -> None:
        """Refused: say why, keep the code and user name, ask for the password again."""
        super().show_error(text)
        self.password.clear()
        (self.password if self.username.text() else self.username).setFocus()


class PrinterPage(Page):
    def __init__(self, printers: list[str], printer: str, label_size: str) -> None:
        super().__init__("printer", tr("打印机和封条标签"),
                         tr("选择打印封条的打印机和标签尺寸，然后打印一张测试标签，检查文字完整、二维码清晰。"
                            "以后可在“设置”中修改。"))
        self.printer = QComboBox()
        self.printer.setObjectName("firstrun_printer")
        self.printer.addItem(tr("系统默认打印机"), "")
        for name in printers:
            self.printer.addItem(name, name)
        self.printer.setCurrentIndex(max(0, self.printer.findData(printer)))
        self.label_size = QComboBox()
        self.label_size.setObjectName("firstrun_label_size")
        for key, text in label_size_choices():
            self.label_size.addItem(text, key)
        self.label_size.setCurrentIndex(max(0, self.label_size.findData(label_size)))
        self.result = QLabel()
        self.result.setObjectName("firstrun_print_result")
        self.result.setWordWrap(True)
        form = form_layout()
        form.addRow(tr("打印机"), self.printer)
        form.addRow(tr("标签尺寸"), self.label_size)
        self.body.addLayout(form)
        self.body.addWidget(self.result)
        self.inputs += [self.printer, self.label_size]
        self.test = self.button(tr("打印测试标签"), "firstrun_test_print")
        self.done = self.button(tr("完成"), "firstrun_done", primary=True)
