"""Screenshots of every wizard page at 1280x800 in Chinese and English,
written to artifacts/screenshots/ (look at them). Each page is shown with
the data a sampler would have entered by then."""
from __future__ import annotations

import pytest

from app.domain.visit import EvidenceCategory as C, SignerRole
from app.domain.workflow import ORDER, Step
from app.services import evidence, signing, steps, visits
from app.ui import i18n, ops
from tests.conftest import signature_png
from tests.scenarios import PETROL_FIELDS, SAMPLE_FIELDS
from tests.ui.wizard_driver import SIZE, open_wizard


def _fill(ws, vid, step, make_jpeg) -> None:
    """Enter what the services scenario enters at `step`."""
    if step == Step.ARRIVE:
        steps.record_shown_documents(ws, vid, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    elif step == Step.EVIDENCE:
        for cat in visits.state(ws, vid).evidence_categories:     # the notice's four, the pump, the delivery note
            evidence.add_evidence(ws, vid, cat, make_jpeg())
    elif step == Step.SAMPLE:
        steps.record_sample(ws, vid, **SAMPLE_FIELDS)
        steps.record_product_fields(ws, vid, **PETROL_FIELDS)
        steps.record_producer(ws, vid, name="中国石油化工股份有限公司某炼化分公司", address="某省某市某区炼化路1号")
        evidence.add_evidence(ws, vid, C.SAMPLING, make_jpeg())
    elif step == Step.PAY:
        steps.pay(ws, vid)
    elif step == Step.SEAL:
        steps.seal_samples(ws, vid)
        evidence.add_evidence(ws, vid, C.SEALED, make_jpeg())
    elif step == Step.SIGN:
        signing.sign(ws, vid, role=SignerRole.SAMPLER, name="张伟", png=signature_png(1), signer_ref="s-zhang")
        signing.sign(ws, vid, role=SignerRole.SAMPLER, name="李娜", png=signature_png(2), signer_ref="s-li")
        signing.sign(ws, vid, role=SignerRole.PARTY, name="钱经理", png=signature_png(3))


def _shoot(qtbot, ws, vid, path) -> None:
    w = open_wizard(qtbot, ws, vid)
    # thumbnails are decoded off-thread: every op done and told the GUI
    qtbot.waitUntil(lambda: w.is_idle() and ops.pending() == 0, timeout=10000)
    w.grab().save(str(path))
    w.close()
    w.deleteLater()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_screenshot_every_page(qtbot, seeded, make_jpeg, artifacts_dir, themed, lang):
    i18n.set_language(lang)
    seeded.lang = lang
    v = visits.start_visit(seeded, "t-gas-1")
    # The missing-items panel, as shown when Next is refused on an empty arrival.
    w = open_wizard(qtbot, seeded, v.id)
    w.go_next()
    qtbot.waitUntil(lambda: w.missing_texts() != [], timeout=10000)
    w.grab().save(str(artifacts_dir / f"wizard_{lang}_00_missing.png"))
    w.close()
    written = []
    for step in ORDER:
        _fill(seeded, v.id, step, make_jpeg)
        path = artifacts_dir / f"wizard_{lang}_{step.number:02d}_{step.value}.png"
        _shoot(qtbot, seeded, v.id, path)
        written.append(path)
        if step != Step.DOCUMENTS:
            visits.advance(seeded, v.id)
    signing.finish(seeded, v.id)
    path = artifacts_dir / f"wizard_{lang}_09_finished.png"
    _shoot(qtbot, seeded, v.id, path)
    written.append(path)
    for exit_step, task in ((Step.REFUSAL, "t-gas-2"), (Step.PROBLEM, "t-gas-3"), (Step.NO_SAMPLE, "t-gas-2")):
        x = visits.start_visit(seeded, task)
        visits.open_exit(seeded, x.id, exit_step)
        path = artifacts_dir / f"wizard_{lang}_10_{exit_step.value}.png"
        _shoot(qtbot, seeded, x.id, path)
        written.append(path)
    from PIL import Image
    for p in written:
        assert Image.open(p).size == SIZE
