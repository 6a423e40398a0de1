"""A whole visit through the services layer, headless (no Qt imported)."""
from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.domain.messages import RuleViolation
from app.domain.record import chain_valid, record_hash
from app.domain.visit import SampleKind, VisitStatus
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.store import visits_repo
from tests.conftest import signature_png
from tests.scenarios import complete_visit


def test_complete_visit_is_frozen_hashed_and_stable(seeded, make_jpeg):
    v = complete_visit(seeded, make_jpeg, signature_png)
    assert v.status == VisitStatus.FINISHED
    assert v.payment.amount == Decimal("15.70")        # 2 L x 7.85 (sampling rule for 车用汽油)
    assert v.payment.backup_free and v.payment.fee_charged_to_party == 0
    kinds = {s.kind for s in v.seals}
    assert kinds == {SampleKind.TEST, SampleKind.BACKUP}
    assert len({s.seal_no for s in v.seals}) == len(v.seals)
    # Reload from disk: the hash recomputes to the same value, and equals the
    # append-only canonical bytes kept at signing.
    again = visits.load(seeded, v.id)
    assert record_hash(again) == v.record_hash
    with seeded.db.session() as s:
        row = visits_repo.signed_record(s, v.id)
        import hashlib
        assert hashlib.sha256(row.canonical).hexdigest() == v.record_hash
    # The record carries every live photo hash and they are in the store.
    assert len(again.live_evidence()) == 8      # the notice's six, the pump and the delivery note
    for e in again.live_evidence():
        assert seeded.evidence.verify(e.sha256)


def test_signed_record_is_immutable_and_amendment_keeps_original(seeded, make_jpeg):
    v = complete_visit(seeded, make_jpeg, signature_png)
    with pytest.raises(RuleViolation) as e:
        steps.record_sample(seeded, v.id, batch_no="changed")
    assert "已签字确认" in str(e.value)
    # Even raw SQL cannot rewrite the signed bytes.
    with pytest.raises(Exception, match="append-only"):
        with seeded.db.session() as s:
            s.execute(text("UPDATE signed_records SET canonical = x'00'"))
    # An amendment needs the party's signature...
    with pytest.raises(RuleViolation):
        signing.amend(seeded, v.id, path="sample.batch_no", new_value="20221114-03", reason="笔误", party_png=None)
    a = signing.amend(seeded, v.id, path="sample.batch_no", new_value="20221114-03",
                      reason="批号抄写笔误", party_png=signature_png(9))
    after = visits.load(seeded, v.id)
    assert after.sample.batch_no == "20221114-02"          # original kept
    assert signing.effective_value(after, "sample.batch_no") == "20221114-03"
    assert a.old_value == "20221114-02" and a.prev_hash == v.record_hash
    assert chain_valid(after)
    b = signing.amend(seeded, v.id, path="sample.trademark", new_value="中石化", reason="补充", party_png=signature_png(8))
    assert b.prev_hash == a.hash and chain_valid(visits.load(seeded, v.id))


def test_wizard_state_lists_missing_items_and_back_keeps_data(seeded, make_jpeg):
    v = visits.start_visit(seeded, "t-gas-1")
    st = visits.state(seeded, v.id)
    assert st.step == Step.ARRIVE and not st.can_go_back
    assert any("授权委托书" in p.text() for p in st.missing)
    with pytest.raises(RuleViolation):
        visits.advance(seeded, v.id)
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    steps.record_party(seeded, v.id, contact="孙主任")
    assert visits.back(seeded, v.id) == Step.ARRIVE
    assert visits.load(seeded, v.id).party.contact == "孙主任"


def test_bad_value_is_refused_and_nothing_changes(seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.record_sample(seeded, v.id, unit_price="7.85", batch_no="A1")
    with pytest.raises(RuleViolation) as e:
        steps.record_sample(seeded, v.id, unit_price="七块八", batch_no="B2")
    assert "不是有效的数字" in e.value.texts()[0]
    assert "is not a valid number" in e.value.texts("en")[0]
    kept = visits.load(seeded, v.id)
    assert kept.sample.unit_price == Decimal("7.85") and kept.sample.batch_no == "A1"


def test_removed_photo_leaves_record_but_stays_in_store(seeded, make_jpeg):
    v = visits.start_visit(seeded, "t-gas-1")
    item = evidence.add_evidence(seeded, v.id, evidence.EvidenceCategory.SITE, make_jpeg())
    evidence.remove_evidence(seeded, v.id, item.id)
    after = visits.load(seeded, v.id)
    assert after.live_evidence() == []
    assert seeded.evidence.exists(item.sha256)


HEADLESS = """
import sys
sys.modules["PySide6"] = None          # any import of Qt now fails
import tempfile, pathlib
from app.services.workspace import Workspace
from app.services.reference import import_master_data
from tests import conftest as c
from tests.scenarios import complete_visit
tmp = pathlib.Path(tempfile.mkdtemp())
ws = Workspace(tmp / "data", clock=c.Clock(c.datetime(2022, 11, 15, 2, 30, tzinfo=c.timezone.utc)))
import_master_data(ws, plan=c.MINI_PLAN, agencies=[c.AGENCY], samplers=c.SAMPLERS, tasks=[c.make_task()])
n = iter(range(100))
def make_jpeg():
    p = tmp / f"IMG_{next(n)}.jpg"; p.write_bytes(c.jpeg_bytes(next(n))); return p
v = complete_visit(ws, make_jpeg, c.signature_png)
assert not any(m.startswith("PySide6") and sys.modules[m] is not None for m in sys.modules)
print(v.status.value, v.record_hash)
"""


def test_complete_visit_runs_without_qt():
    import subprocess
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", HEADLESS], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    status, digest = out.stdout.split()
    assert status == "finished" and len(digest) == 64


def test_finishing_and_amending_queue_the_record_for_the_province(seeded, make_jpeg):
    from sync.client import outbox
    v = complete_visit(seeded, make_jpeg, signature_png)
    with seeded.db.session() as s:
        [item] = outbox.deliverable(s, seeded.now())
        assert item.kind == "record" and item.record_hash == v.record_hash
        assert set(outbox.photos_of(item)) >= {e.sha256 for e in v.live_evidence()}
    a = signing.amend(seeded, v.id, path="sample.batch_no", new_value="X2", reason="笔误", party_png=signature_png(7))
    with seeded.db.session() as s:
        items = outbox.deliverable(s, seeded.now())
        assert [i.kind for i in items] == ["record", "amendment"] and items[1].record_hash == a.hash
        states = {d.kind: d.state for d in outbox.deadlines(s, seeded.now())}
        assert states == {"record": "due", "amendment": "due"}
