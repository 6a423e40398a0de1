"""Tampering with the local store is noticed (the store under the worst
day, point 5). Each case edits the SQLite file directly, as someone with
the sqlite3 command line would; the app then shows the mismatch, refuses
to print, refuses to edit, and never sends an edited copy."""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from app.domain.canonical import canonical_bytes
from app.domain.messages import RuleViolation
from app.services import documents, integrity, steps, visits
from app.store import paths
from app.store.sync_models import OutboxItem
from tests.conftest import signature_png
from tests.scenarios import complete_visit


@pytest.fixture
def signed(seeded, make_jpeg, memory_keyring):
    v = complete_visit(seeded, make_jpeg, signature_png)
    return seeded, v


def _sql(ws, *statements: tuple) -> None:
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    for st in statements:
        con.execute(*st) if isinstance(st, tuple) else con.execute(st)
    con.commit()
    con.close()


def _doc(ws, visit_id) -> dict:
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    raw = con.execute("SELECT doc FROM visits WHERE id=?", (visit_id,)).fetchone()[0]
    con.close()
    return json.loads(raw)


def _codes(ws, visit_id) -> list[str]:
    return [p.code for p in integrity.verify(ws, visit_id)]


def test_an_intact_signed_visit_passes_every_check(signed):
    ws, v = signed
    assert integrity.verify(ws, v.id) == []
    assert visits.state(ws, v.id).integrity == []
    report = integrity.sweep(ws)
    assert report.tampered == {} and report.requeued == [] and report.outbox_restored == []
    assert documents.build_pdf(ws, v.id, "sampling_form")[:4] == b"%PDF"


def test_edited_visit_document_is_shown_red_and_not_printed(signed):
    ws, v = signed
    doc = _doc(ws, v.id)
    doc["party"]["name"] = "篡改后的加油站"
    _sql(ws, ("UPDATE visits SET doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id)))
    assert _codes(ws, v.id) == ["integrity.record_altered"]
    assert visits.state(ws, v.id).integrity[0].code == "integrity.record_altered"
    with pytest.raises(RuleViolation) as e:
        documents.build_pdf(ws, v.id, "sampling_form")
    assert "不一致" in e.value.problems[0].text("zh_CN")
    with pytest.raises(RuleViolation):
        documents.build_set(ws, v.id)


def test_removed_evidence_item_is_noticed(signed):
    ws, v = signed
    doc = _doc(ws, v.id)
    doc["evidence"] = doc["evidence"][1:]
    _sql(ws, ("UPDATE visits SET doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id)))
    assert _codes(ws, v.id) == ["integrity.record_altered"]


def test_signed_visit_set_back_in_progress_cannot_be_edited_or_printed(signed):
    ws, v = signed
    doc = _doc(ws, v.id)
    doc["status"] = "in_progress"
    _sql(ws, ("UPDATE visits SET status='in_progress', doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id)))
    with pytest.raises(RuleViolation) as e:
        steps.record_remarks(ws, v.id, "签字后偷偷修改")
    assert e.value.problems[0].code == "integrity.reopened"
    assert _codes(ws, v.id) == ["integrity.reopened"]
    with pytest.raises(RuleViolation):
        documents.build_pdf(ws, v.id, "sampling_form")


def test_deleted_outbox_row_is_found_and_queued_again(signed):
    ws, v = signed
    _sql(ws, ("DELETE FROM sync_outbox WHERE visit_id=?", (v.id,)))
    report = integrity.sweep(ws)
    assert report.requeued == [v.id]
    with ws.db.session() as s:
        [item] = s.query(OutboxItem).filter_by(visit_id=v.id).all()
        assert item.status == "pending" and item.record_hash == v.record_hash


def test_edited_outbox_copy_with_recomputed_hash_is_replaced_by_the_signed_record(signed):
    ws, v = signed
    with ws.db.session() as s:
        original = bytes(s.query(OutboxItem).filter_by(visit_id=v.id).one().canonical)
    forged = json.loads(original)
    forged["party"]["name"] = "TAMPERED"
    raw = canonical_bytes(forged)
    _sql(ws, ("UPDATE sync_outbox SET canonical=?, record_hash=? WHERE visit_id=?",
              (raw, hashlib.sha256(raw).hexdigest(), v.id)))
    report = integrity.sweep(ws)
    assert report.outbox_restored == [v.id]
    with ws.db.session() as s:
        item = s.query(OutboxItem).filter_by(visit_id=v.id).one()
        assert bytes(item.canonical) == original and item.record_hash == v.record_hash


def test_dropped_triggers_and_edited_signed_record_are_caught_by_the_hash(signed):
    ws, v = signed
    _sql(ws, "DROP TRIGGER signed_records_no_update")
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    raw = con.execute("SELECT canonical FROM signed_records WHERE visit_id=?", (v.id,)).fetchone()[0]
    con.close()
    _sql(ws, ("UPDATE signed_records SET canonical=? WHERE visit_id=?",
              (raw.replace("钱经理".encode(), "孙经理".encode()), v.id)))
    assert _codes(ws, v.id) == ["integrity.signed_altered"]
    report = integrity.sweep(ws)
    assert list(report.tampered) == [v.id]
    with ws.db.session() as s:
        item = s.query(OutboxItem).filter_by(visit_id=v.id).one()
        assert item.status == "quarantined"                      # held back, with the reason
        assert "哈希" in item.reason
    with pytest.raises(RuleViolation):
        documents.build_pdf(ws, v.id, "sampling_form")


def test_edited_amendment_breaks_the_chain(signed):
    ws, v = signed
    from app.services import signing
    signing.amend(ws, v.id, path="sample.trademark", new_value="中石化", reason="笔误", party_png=signature_png(9))
    assert integrity.verify(ws, v.id) == []
    doc = _doc(ws, v.id)
    doc["amendments"][0]["new_value"] = "壳牌"
    _sql(ws, ("UPDATE visits SET doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id)))
    assert _codes(ws, v.id) == ["integrity.amendments_altered"]


def test_a_delivered_record_is_not_reread_before_each_sync_but_its_outbox_hash_is_compared(signed):
    """Sent records are complete on the server: the sweep before a sync
    skips their (slow) full check, yet an outbox copy edited after delivery
    is still reported; opening or printing the visit still checks it all."""
    ws, v = signed
    _sql(ws, ("UPDATE sync_outbox SET status='sent' WHERE visit_id=?", (v.id,)))
    doc = _doc(ws, v.id)
    doc["party"]["name"] = "送达后篡改"
    _sql(ws, ("UPDATE visits SET doc=? WHERE id=?", (json.dumps(doc, ensure_ascii=False), v.id)))
    assert integrity.sweep(ws).tampered == {}                     # not re-read before the sync
    assert _codes(ws, v.id) == ["integrity.record_altered"]      # but opening it shows it
    with pytest.raises(RuleViolation):
        documents.build_pdf(ws, v.id, "sampling_form")
    _sql(ws, ("UPDATE sync_outbox SET record_hash=? WHERE visit_id=?", ("0" * 64, v.id)))
    report = integrity.sweep(ws)
    assert [p.code for p in report.tampered[v.id]] == ["integrity.outbox_altered_sent"]
    with ws.db.session() as s:
        assert s.query(OutboxItem).filter_by(visit_id=v.id).one().status == "sent"   # nothing to hold back
