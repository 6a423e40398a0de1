"""Step 5: the payment slip — the test sample is bought (quantity x unit
price), the backup is given free first; no fee is charged to the party."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton

from app.domain import rules
from app.domain.messages import RuleViolation
from app.domain.parse import parse_decimal
from app.domain.visit import Visit
from app.domain.workflow import Step
from app.services import steps
from app.services.documents import DocumentKind
from app.ui.i18n import language, tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons
from app.ui.wizard.labels import payment_methods
from app.ui.wizard.fields import display, form_group, mark_invalid

class PayPage(WizardPage):
    step = Step.PAY

    def build(self) -> None:
        self.body.addWidget(hint(tr("按单价向受检单位购买检验样品并开具付费单；"
                                    "备用样品由受检单位先行无偿提供；不得向受检单位收取任何费用。")))
        self.quantity = QLineEdit()
        self.quantity.setObjectName("payment.quantity")
        self.unit_price = QLineEdit()
        self.unit_price.setObjectName("payment.unit_price")
        self.method = QComboBox()
        self.method.setObjectName("payment.method")
        self.method.setEditable(True)
        for value, text in payment_methods():
            self.method.addItem(text, value)
        self.backup_free = QCheckBox(tr("备用样品由受检单位先行无偿提供"))
        self.backup_free.setObjectName("payment.backup_free")
        self.backup_free.setChecked(True)
        self.amount = QLabel()
        self.amount.setObjectName("payment.amount")
        self.amount.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.status = QLabel()
        self.status.setObjectName("payment.status")
        self.body.addWidget(form_group(tr("付费单"), [
            (tr("检验样品数量"), self.quantity), (tr("单价（元）"), self.unit_price),
            (tr("付款方式"), self.method), (tr("金额（元）"), self.amount),
        ]))
        self.body.addWidget(self.backup_free)
        self.body.addWidget(form_group(tr("发票（受检单位开具发票时填写）"), [
            (tr("发票号"), self.binder.line("payment.invoice_no")),
            (tr("开票单位"), self.binder.line("payment.invoice_issuer")),
        ]))
        row = QHBoxLayout()
        self.pay_button = QPushButton(tr("确认付款，生成付费单"))
        self.pay_button.setObjectName("pay")
        self.pay_button.setProperty("primary", True)
        self.pay_button.clicked.connect(self.pay)
        row.addWidget(self.pay_button)
        row.addWidget(self.status, 1)
        self.body.addLayout(row)
        self.actions = DocumentActions(self.session, self)
        self.slip_buttons = action_buttons(self.actions, DocumentKind.PAYMENT_SLIP)
        self.body.addWidget(self.slip_buttons)
        self.session.save_failed.connect(self._failed)
        # The amount is shown as it is typed: the sampler tells the party
        # before 确认付款.
        self.quantity.textChanged.connect(self._update_amount)
        self.unit_price.textChanged.connect(self._update_amount)

    def on_load(self, visit: Visit) -> None:
        p = visit.payment
        self.quantity.setText(display(p.quantity if p.paid else visit.sample.test_quantity))
        self.unit_price.setText(display(p.unit_price if p.paid else visit.sample.unit_price))
        if p.paid:
            i = self.method.findData(p.method)
            self.method.setCurrentIndex(i) if i >= 0 else self.method.setEditText(p.method)
            self.backup_free.setChecked(p.backup_free)
        self.on_saved(visit)

    def _update_amount(self, *_a) -> None:
        unit = self.visit.sample.unit if self.visit is not None else ""
        try:
            q = parse_decimal(self.quantity.text(), "payment.quantity")
            price = parse_decimal(self.unit_price.text(), "payment.unit_price")
        except RuleViolation:
            q = price = None
        if q is None or price is None or q <= 0 or price <= 0:
            self.amount.setText("—")
            return
        self.amount.setText(tr("{q}{unit} × {price}元 = {amount}元", q=display(q), unit=unit, price=display(price),
                               amount=display(rules.expected_amount(q, price))))

    def on_saved(self, visit: Visit) -> None:
        p = visit.payment
        unit = visit.sample.unit
        if p.paid:
            self.amount.setText(tr("{q}{unit} × {price}元 = {amount}元", q=display(p.quantity), unit=unit,
                                   price=display(p.unit_price), amount=display(p.amount)))
        else:
            self._update_amount()
        self.status.setText(tr("已付款：{q}{unit} × {price}元 = {amount}元", q=display(p.quantity), unit=unit,
                               price=display(p.unit_price), amount=display(p.amount)) if p.paid
                            else tr("尚未付款"))
        self.slip_buttons.setEnabled(p.paid)

    def pay(self) -> None:
        mark_invalid(self.quantity, "")
        self.session.save("payment", steps.pay, quantity=self.quantity.text().strip() or None,
                          unit_price=self.unit_price.text().strip() or None,
                          method=self._method(), backup_free=self.backup_free.isChecked())

    def _method(self) -> str:
        i = self.method.findText(self.method.currentText())
        return self.method.itemData(i) if i >= 0 else self.method.currentText().strip()

    def _failed(self, key: str, error) -> None:
        if key == "payment":
            self.status.setText("\n".join(error.texts(language())))
            mark_invalid(self.quantity, self.status.text())

    def on_read_only(self, ro: bool) -> None:
        for w in (self.quantity, self.unit_price):
            w.setReadOnly(ro)
        for w in (self.method, self.backup_free, self.pay_button):
            w.setEnabled(not ro)
