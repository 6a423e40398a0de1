"""Step 4: the sample — product details, stock, price and its basis, test and
backup quantities (defaults from the product's sampling rule), the product's
own fields (from its rule: 牌号 of a fuel, 含绒量 of a down garment…), the
producer named on the label, and photos of the sampling process."""
from __future__ import annotations

from app.domain.messages import Problem
from app.domain.visit import EvidenceCategory, PriceBasis, Visit
from app.domain.workflow import Step
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.fields import form_group
from app.ui.wizard.labels import sampling_places, shipping_methods
from app.ui.wizard.photos import EvidencePhotos
from app.ui.wizard.product_fields import ProductFieldsBox

class SamplePage(WizardPage):
    step = Step.SAMPLE

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("单价按标价填写；无标价的，按同类产品市场价格并注明来源。"
                                    "检验样品须付费购买，备用样品由受检单位先行无偿提供。")))
        product = b.line("sample.product")
        product.setReadOnly(True)          # comes from the plan item of the task
        self.body.addWidget(form_group(tr("样品信息"), [
            (tr("产品名称"), product),
            (tr("商标"), b.line("sample.trademark")),
            (tr("规格型号"), b.line("sample.spec_model")),
            (tr("批号"), b.line("sample.batch_no", tr("批号与生产日期至少填一项"))),
            (tr("生产日期"), b.line("sample.production_date", tr("无批号时必填"))),
            (tr("质量等级"), b.line("sample.quality_grade")),
            (tr("执行标准"), b.line("sample.standard")),
            (tr("样品状态"), b.line("sample.sample_state")),
        ]))
        basis = [(PriceBasis.MARKED.value, tr("标价")), (PriceBasis.MARKET.value, tr("同类产品市场价"))]
        self.unit_labels = []
        self.body.addWidget(form_group(tr("数量与价格"), [
            (tr("单价（元）"), b.line("sample.unit_price")),
            (tr("价格依据"), b.combo("sample.price_basis", basis)),
            (tr("市场价来源"), b.line("sample.price_basis_note", tr("无标价时必填"))),
            (tr("计量单位"), b.line("sample.unit")),
            (tr("抽样基数（库存）"), b.line("sample.base_quantity")),
            (tr("检验样品数量"), b.line("sample.test_quantity")),
            (tr("备用样品数量"), b.line("sample.backup_quantity")),
        ]))
        self.product_box = ProductFieldsBox(self.session)
        self.body.addWidget(self.product_box)
        self.body.addWidget(form_group(tr("抽样"), [
            (tr("抽样地点"), b.combo("sample.sampling_place", sampling_places(), editable=True)),
            (tr("抽样方法"), b.line("sample.sampling_method")),
            (tr("样品寄送方式"), b.combo("sample.shipping_method", shipping_methods(), editable=True)),
        ]))
        self.body.addWidget(form_group(tr("生产单位（标称生产者）"), [
            (tr("名称"), b.line("producer.name")),
            (tr("地址"), b.line("producer.address")),
            (tr("联系人"), b.line("producer.contact")),
            (tr("电话"), b.line("producer.phone")),
        ]))
        self.photos = EvidencePhotos(self.session, [EvidenceCategory.SAMPLING])
        self.body.addWidget(self.photos)

    def on_load(self, visit: Visit) -> None:
        state = self.session.state
        self.product_box.show_rule(state.rule if state is not None else None, visit)
        self.product_box.set_read_only(self.read_only)
        self.photos.load(visit)

    def flush_extra(self) -> None:
        self.product_box.flush()

    def show_missing(self, problems: list[Problem]) -> None:
        super().show_missing(problems)
        self.product_box.show_missing(problems)

    def on_read_only(self, ro: bool) -> None:
        self.photos.set_read_only(ro)
        self.product_box.set_read_only(ro)
        self.binder.widget("sample.product").setReadOnly(True)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({f.split(".", 1)[1] for f in fields if f.startswith("evidence.")})
