"""Bring a visit to a given step through the services (what a sampler would
have entered by then), so a UI test starts where its point is."""
from __future__ import annotations

from app.domain.visit import EvidenceCategory as C, SignerRole
from app.domain.workflow import ORDER, Step
from app.services import evidence, signing, steps, visits
from tests.conftest import signature_png
from tests.scenarios import PRODUCT_FIELDS, SAMPLE_FIELDS


def enter(ws, vid, step: Step, make_jpeg) -> None:
    """What the services scenario enters at `step`."""
    if step == Step.ARRIVE:
        steps.record_shown_documents(ws, vid, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    elif step == Step.EVIDENCE:
        # the notice's four, and what the product's rule adds
        for cat in visits.state(ws, vid).evidence_categories:
            evidence.add_evidence(ws, vid, cat, make_jpeg())
    elif step == Step.SAMPLE:
        steps.record_sample(ws, vid, **SAMPLE_FIELDS)
        steps.record_product_fields(ws, vid, **PRODUCT_FIELDS.get(visits.load(ws, vid).sample.product, {}))
        evidence.add_evidence(ws, vid, C.SAMPLING, make_jpeg())
    elif step == Step.PAY:
        steps.pay(ws, vid)
    elif step == Step.SEAL:
        steps.seal_samples(ws, vid)
        evidence.add_evidence(ws, vid, C.SEALED, make_jpeg())
    elif step == Step.SIGN:
        for n, m in enumerate(visits.load(ws, vid).present_team(), 1):
            signing.sign(ws, vid, role=SignerRole.SAMPLER, name=m.name, png=signature_png(n), signer_ref=m.sampler_id)
        signing.sign(ws, vid, role=SignerRole.PARTY, name="钱经理", png=signature_png(9))


def walk_to(ws, make_jpeg, until: Step, task_id: str = "t-gas-1", **start) -> str:
    """A new visit on `task_id` standing at `until` (everything before done)."""
    v = visits.start_visit(ws, task_id, **start)
    for step in ORDER[:ORDER.index(until)]:
        enter(ws, v.id, step, make_jpeg)
        visits.advance(ws, v.id)
    return v.id


def finish(ws, make_jpeg, task_id: str = "t-gas-1"):
    vid = walk_to(ws, make_jpeg, Step.DOCUMENTS, task_id)
    return signing.finish(ws, vid)
