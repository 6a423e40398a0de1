"""Exit: nothing to sample at the party (closed, deregistered, stopped or
changed production, export only, no stock). The 未抽到样品企业情况说明 with
the reason, what was found and photos of it, signed by both samplers and the
party (or its refusal written down). Finishing closes the task; once synced,
the province draws a replacement party for the slot."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.domain.visit import EvidenceCategory, Visit
from app.domain.workflow import Step
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.base import hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons
from app.ui.wizard.fields import form_group
from app.ui.wizard.labels import no_sample_reasons
from app.ui.wizard.photos import EvidencePhotos
from app.ui.wizard.sign import SignPage


class NoSamplePage(SignPage):
    """The statement's fields, its photos, then the same signature pads as
    the sign step (samplers, and the party who may refuse)."""
    step = Step.NO_SAMPLE

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("企业倒闭、注销、停产、转产、产品全部用于出口或无该产品库存，无法抽样的，"
                                    "如实记录情况并拍照取证，抽样人员和受检单位签字（受检单位拒签的注明情况）。"
                                    "点击“完成”后本次抽样以“未抽到样品”结束，省局可另行抽取替补企业。")))
        self.when = QLabel()
        self.body.addWidget(form_group(tr("未抽到样品情况"), [
            (tr("未抽样原因"), b.combo("no_sample.reason", no_sample_reasons(), default_first=True)),
            (tr("记录时间"), self.when),
            (tr("地点"), b.line("no_sample.place")),
            (tr("抽查产品"), b.line("no_sample.products")),
            (tr("过程简要描述"), b.text("no_sample.description", tr("看到的情况，例如停业公告、注销证明、库存为零"))),
            (tr("当地市场监管部门"), b.line("no_sample.local_bureau", tr("倒闭、注销、停产、转产的须经其确认盖章"))),
        ], columns=1))
        self.actions = DocumentActions(self.session, self)
        self.body.addWidget(action_buttons(self.actions, DocumentKind.NO_SAMPLE_STATEMENT))
        self.photos = EvidencePhotos(self.session, [EvidenceCategory.NO_SAMPLE])
        self.body.addWidget(self.photos)
        self.pads_box = QWidget()
        self.grid = QGridLayout(self.pads_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.pads_box)
        self.signers = []

    def on_load(self, visit: Visit) -> None:
        n = visit.no_sample
        self.when.setText(n.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M") if n and n.occurred_at
                          else tr("保存时记录"))
        if n is None:   # defaults the statement gets on the first save
            self.binder.widget("no_sample.place").setPlaceholderText(visit.party.address)
            self.binder.widget("no_sample.products").setPlaceholderText(visit.sample.product)
        super().on_load(visit)
        self.photos.load(visit)

    def on_saved(self, visit: Visit) -> None:
        n = visit.no_sample
        if n is None:
            return
        for key, value in (("no_sample.place", n.place), ("no_sample.products", n.products)):
            w = self.binder.widget(key)
            if not w.text():
                w.setText(value)
                self.binder.bindings[key].last = value
        if n.occurred_at:
            self.when.setText(n.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"))

    def on_read_only(self, ro: bool) -> None:
        super().on_read_only(ro)
        self.photos.set_read_only(ro)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({"no_sample"} if "evidence.no_sample" in fields else set())
