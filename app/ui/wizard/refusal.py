"""Exit: the party refuses or obstructs sampling (including an absurd
price). The refusal form with facts and evidence, for the joint
determination with the county bureau and the report to the province."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.domain.times import china_text
from app.domain.visit import EvidenceCategory, Visit
from app.domain.workflow import Step
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons
from app.ui.wizard.fields import form_group
from app.ui.wizard.labels import refusal_situations
from app.ui.wizard.photos import EvidencePhotos

class RefusalPage(WizardPage):
    step = Step.REFUSAL

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("受检单位拒绝、阻碍抽样或以明显不合理的价格等方式不配合的，"
                                    "如实记录事实经过并取证，会同县级市场监管部门认定后报送省局。"
                                    "点击“完成”后本次抽样以拒检结束。")))
        self.when = QLabel()
        self.body.addWidget(form_group(tr("拒检情况"), [
            (tr("拒检情形"), b.combo("refusal.situation", refusal_situations(), default_first=True)),
            (tr("拒检时间"), self.when),
            (tr("拒检地点"), b.line("refusal.place")),
            (tr("涉及产品"), b.line("refusal.products")),
            (tr("事实经过"), b.text("refusal.facts", tr("时间、人员、拒检的言行等"))),
            (tr("证据说明"), b.text("refusal.evidence_note", tr("照片、录像、见证人等"), 64)),
            (tr("县级市场监管部门"), b.line("refusal.county_bureau")),
            (tr("见证人姓名"), b.line("refusal.witness_name", tr("有见证人时填写"))),
            (tr("见证人单位"), b.line("refusal.witness_unit")),
            ("", b.check("refusal.reported_to_province", tr("已报送省局"))),
        ], columns=1))
        self.actions = DocumentActions(self.session, self)
        self.body.addWidget(action_buttons(self.actions, DocumentKind.REFUSAL_FORM))
        self.photos = EvidencePhotos(self.session, [EvidenceCategory.REFUSAL])
        self.body.addWidget(self.photos)

    def on_load(self, visit: Visit) -> None:
        r = visit.refusal
        self.when.setText(china_text(r.occurred_at) if r and r.occurred_at else tr("保存时记录"))
        if r is None:   # defaults the form will get on the first save
            self.binder.widget("refusal.place").setPlaceholderText(visit.party.address)
            self.binder.widget("refusal.products").setPlaceholderText(visit.sample.product)
        self.photos.load(visit)

    def on_saved(self, visit: Visit) -> None:
        r = visit.refusal
        if r is not None:
            for key, value in (("refusal.place", r.place), ("refusal.products", r.products)):
                w = self.binder.widget(key)
                if not w.text():
                    w.setText(value)
                    self.binder.bindings[key].last = value
            if r.occurred_at:
                self.when.setText(china_text(r.occurred_at))

    def on_read_only(self, ro: bool) -> None:
        self.photos.set_read_only(ro)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({"refusal"} if "refusal.evidence_note" in fields else set())
