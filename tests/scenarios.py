"""A complete gas-station visit driven through the services layer; shared by
the services test, the UI test (which must reach the same record) and the
sync end-to-end test."""
from __future__ import annotations

from app.domain.visit import EvidenceCategory as C, SignerRole
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits

SAMPLE_FIELDS = dict(trademark="中国石化", spec_model="92#", batch_no="20221114-02", standard="GB 17930-2016",
                     quality_grade="合格品", unit_price="7.85", price_basis="marked", base_quantity="18000",
                     sampling_place="加油机", sampling_method="按GB/T 4756从加油枪取样", sample_state="液体，清澈透明")
# 车用汽油's product-specific fields (its sampling rule defines them)
PETROL_FIELDS = dict(fuel_grade="92#", emission_stage="国VI(A)", tank_no="2号罐", pump_no="3号加油机",
                     detergent_added="是", tank_stock="18000", last_delivery_date="2022-11-10",
                     supplier="中国石化销售股份有限公司山西太原石油分公司")
DIESEL_FIELDS = dict(PETROL_FIELDS, fuel_grade="0#", emission_stage="国VI", tank_no="4号罐")
# what each product's own fields default to in these scenarios (its rule decides which)
PRODUCT_FIELDS = {"车用汽油": PETROL_FIELDS, "车用柴油": DIESEL_FIELDS,
                  "车用尿素水溶液": {"package_spec": "10 L/桶"},
                  "羽绒服装": {"size": "175/92A", "down_type": "白鸭绒", "down_content": "90", "fill_weight": "150",
                           "fiber_content": "面料：100%聚酯纤维", "safety_category": "B类"},
                  "氯碱": {"product_type": "氢氧化钠（液碱）", "grade": "IL-Ⅰ型 优等品"}}


def complete_visit(ws, make_jpeg, signature_png, task_id="t-gas-1", samplers=None, arrive=None,
                   sample_fields=None, product_fields=None):
    """samplers: (signer_ref, name) of the two signing samplers (default: the
    first two present on the visit's team, e.g. the seeded team of
    tests/conftest.py). arrive(ws, visit): team changes on site, before the
    first step is completed. sample_fields / product_fields: the sample step's
    values (default: SAMPLE_FIELDS and the product's PRODUCT_FIELDS)."""
    v = visits.start_visit(ws, task_id)
    if arrive is not None:
        arrive(ws, v)
    samplers = samplers or [(m.sampler_id, m.name) for m in visits.load(ws, v.id).present_team()]
    steps.record_shown_documents(ws, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    assert visits.advance(ws, v.id) == Step.PARTY
    assert visits.advance(ws, v.id) == Step.EVIDENCE
    # the notice's four, and what the product's rule adds (pump, nameplate…)
    for cat in visits.state(ws, v.id).evidence_categories:
        evidence.add_evidence(ws, v.id, cat, make_jpeg())
    assert visits.advance(ws, v.id) == Step.SAMPLE
    steps.record_sample(ws, v.id, **(SAMPLE_FIELDS if sample_fields is None else sample_fields))
    if product_fields is None:
        product_fields = PRODUCT_FIELDS.get(visits.load(ws, v.id).sample.product, {})
    steps.record_product_fields(ws, v.id, **product_fields)
    evidence.add_evidence(ws, v.id, C.SAMPLING, make_jpeg())
    assert visits.advance(ws, v.id) == Step.PAY
    steps.pay(ws, v.id)
    assert visits.advance(ws, v.id) == Step.SEAL
    steps.seal_samples(ws, v.id)
    evidence.add_evidence(ws, v.id, C.SEALED, make_jpeg())
    assert visits.advance(ws, v.id) == Step.SIGN
    for n, (ref, name) in enumerate(samplers[:2], start=1):
        signing.sign(ws, v.id, role=SignerRole.SAMPLER, name=name, png=signature_png(n), signer_ref=ref)
    signing.sign(ws, v.id, role=SignerRole.PARTY, name="钱经理", png=signature_png(3))
    assert visits.advance(ws, v.id) == Step.DOCUMENTS
    return signing.finish(ws, v.id)
