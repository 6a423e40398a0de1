"""Every product of 附件1 sampled through the services: the product's own
photos and fields (from its sampling rule, not code), frozen in the record,
and printed on the sampling form."""
from __future__ import annotations

import pytest

from app.domain.plan import FieldType, ProductField
from app.domain.record import record_document
from app.domain.visit import VisitStatus
from app.services import documents
from app.services.reference import import_master_data
from app.domain.reference_data import load_plan, load_sampling_rules
from tests.conftest import AGENCY, SAMPLERS, GAS_STATION, jpeg_bytes, make_credit_code, make_task, signature_png
from tests.forms.conftest import compact, pdftotext
from tests.scenarios import complete_visit

PLAN = load_plan()
RULES = load_sampling_rules()
ITEMS = [i for i in PLAN.items]


def example(f: ProductField) -> str:
    """A value the field accepts, as a sampler would type it."""
    if f.type == FieldType.CHOICE:
        return f.choices[-1]               # the last choice: not a default the UI could show
    if f.type == FieldType.NUMBER:
        return "-2.25" if f.signed else "12.5"
    if f.type == FieldType.DATE:
        return "2022/11/10"
    if f.type == FieldType.YES_NO:
        return "否"
    return f"{f.label}示例"


def printed(f: ProductField) -> str:
    """How the sampling form writes that value."""
    value = {FieldType.DATE: "2022年11月10日"}.get(f.type, example(f))
    return f"{value}{f.unit}"


@pytest.fixture
def small_jpeg(tmp_path):
    counter = iter(range(10_000))

    def make(name=None, seed=None):
        n = next(counter)
        path = tmp_path / "camera" / f"IMG_{n:04d}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(jpeg_bytes(n, size=(160, 120)))
        return path
    return make


def test_every_plan_product_has_a_rule_with_fields():
    assert len(ITEMS) == 22
    assert all(RULES[i.product].fields for i in ITEMS)


@pytest.mark.parametrize("item", ITEMS, ids=[i.product for i in ITEMS])
def test_a_visit_for_each_product_prints_its_fields(item, workspace, small_jpeg, memory_keyring):
    from dataclasses import replace
    rule = RULES[item.product]
    party = replace(GAS_STATION, id=f"p-{item.id}", name=f"{item.product}受检单位（测试）",
                    credit_code=make_credit_code(f"91140100MA0K{item.seq:02d}R5X"),
                    scope=item.scopes[0])
    task = make_task(f"t-{item.id}", (item.id,), party)
    import_master_data(workspace, plan=PLAN, agencies=[AGENCY], samplers=SAMPLERS, tasks=[task])
    values = {f.key: example(f) for f in rule.fields}
    sample = dict(trademark="测试商标", spec_model="测试规格", batch_no="20221101", standard="测试标准",
                  unit_price="12.00", price_basis="marked", base_quantity="100000",
                  sampling_place="成品库", sampling_method="按实施细则随机抽取", sample_state="完好")
    v = complete_visit(workspace, small_jpeg, signature_png, task.id, sample_fields=sample, product_fields=values)
    assert v.status == VisitStatus.FINISHED
    # the product's photos were asked for at the evidence step, beyond the notice's six
    extra = set(rule.required_photos) - {"site", "storage", "label", "stock", "sampling", "sealed"}
    assert extra <= {e.category.value for e in v.live_evidence()}
    # the fields are part of the signed record, as stored text
    stored = record_document(v)["sample"]["product_fields"]
    assert set(stored) == {f.key for f in rule.fields}
    assert (v.sample.unit, format(v.sample.test_quantity, "f")) == (rule.unit, rule.test_quantity)
    text = compact(pdftotext(documents.build_pdf(workspace, v.id, documents.DocumentKind.SAMPLING_FORM)))
    for f in rule.fields:
        assert compact(f.label) in text, f.label
        assert compact(printed(f)) in text, (f.label, printed(f))
    assert compact(f"{rule.test_quantity} {rule.unit}") in text
