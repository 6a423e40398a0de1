"""Step 2: check the inspected party (pre-filled from the task, correctable).
If it is plainly illegal (e.g. no licence), the wizard's 问题报送 button ends
the visit with a problem report instead."""
from __future__ import annotations

from app.domain.plan import Scope
from app.domain.workflow import Step
from app.domain.labels import SCOPE, label
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.fields import form_group
from app.ui.wizard.labels import economic_types

class PartyPage(WizardPage):
    step = Step.PARTY

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("核对受检单位信息，与营业执照等证照不一致的请更正。"
                                    "无证无照等无需检验即可判定违法的，请点击“问题报送”。")))
        scopes = [(s.value, label(SCOPE, s)) for s in Scope]
        self.body.addWidget(form_group(tr("受检单位"), [
            (tr("单位名称"), b.line("party.name")),
            (tr("统一社会信用代码"), b.line("party.credit_code", tr("18位"))),
            (tr("营业执照/许可证编号"), b.line("party.licence_no")),
            (tr("生产许可证编号"), b.line("party.production_licence_no", tr("需要时填写"))),
            (tr("单位地址"), b.line("party.address")),
            (tr("邮政编码"), b.line("party.postcode")),
            (tr("法定代表人"), b.line("party.legal_representative")),
            (tr("企业规模"), b.line("party.scale")),
            (tr("联系人"), b.line("party.contact")),
            (tr("联系电话"), b.line("party.phone")),
            (tr("抽样领域"), b.combo("party.scope", scopes)),
            (tr("3C证书编号"), b.line("party.ccc_certificate_no", tr("需要时填写"))),
            (tr("经济类型"), b.combo("party.economic_type", economic_types(), editable=True)),
        ]))
