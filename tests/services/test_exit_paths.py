"""The refusal path and the problem-report path end a visit in their own states."""
from __future__ import annotations

import pytest

from app.domain.messages import RuleViolation
from app.domain.visit import EvidenceCategory as C, VisitStatus
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.store import visits_repo


def _arrive(ws, task="t-gas-1", restart_reason=""):
    v = visits.start_visit(ws, task, restart_reason=restart_reason)
    steps.record_shown_documents(ws, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(ws, v.id)
    return v


def test_refusal_path_ends_refused_with_a_frozen_record(seeded, make_jpeg):
    v = _arrive(seeded)
    visits.advance(seeded, v.id)            # to evidence: the party starts obstructing here
    assert visits.open_exit(seeded, v.id, Step.REFUSAL) == Step.REFUSAL
    with pytest.raises(RuleViolation) as e:
        signing.finish(seeded, v.id)
    assert {p.code for p in e.value.problems} == {"refusal.facts", "refusal.evidence"}
    steps.record_refusal(seeded, v.id, situation="unreasonable_price",
                         facts="站长要求以每升50元出售92#汽油，明显高于标价7.85元，拒绝按标价出售。",
                         county_bureau="太原市迎泽区市场监督管理局")
    evidence.add_evidence(seeded, v.id, C.REFUSAL, make_jpeg())
    done = signing.finish(seeded, v.id)
    assert done.status == VisitStatus.REFUSED
    assert done.refusal.place == "山西省太原市迎泽区迎泽大街100号"   # defaulted from the party
    with seeded.db.session() as s:
        assert visits_repo.signed_record(s, v.id).record_hash == done.record_hash
    with pytest.raises(RuleViolation):
        visits.back(seeded, v.id)


def test_problem_report_path_stops_sampling(seeded, make_jpeg):
    v = _arrive(seeded)
    visits.open_exit(seeded, v.id, Step.PROBLEM)
    steps.record_problem(seeded, v.id, problem_type="unlicensed",
                         description="现场未能出示成品油零售经营批准证书，营业执照已过期。")
    with pytest.raises(RuleViolation) as e:
        signing.finish(seeded, v.id)
    assert [p.code for p in e.value.problems] == ["problem.evidence"]
    evidence.add_evidence(seeded, v.id, C.PROBLEM, make_jpeg())
    done = signing.finish(seeded, v.id)
    assert done.status == VisitStatus.PROBLEM_REPORTED
    assert done.problem.handling == "已终止抽样" and "张伟" in done.problem.reporter


def test_exit_can_be_left_again_before_it_is_accepted(seeded):
    v = _arrive(seeded)
    visits.open_exit(seeded, v.id, Step.REFUSAL)
    assert visits.back(seeded, v.id) == Step.PARTY


def test_batch_limits_use_visits_at_the_same_party(seeded, make_jpeg):
    from tests.conftest import signature_png
    from tests.scenarios import complete_visit
    complete_visit(seeded, make_jpeg, signature_png, "t-gas-1")      # 车用汽油
    second = _arrive(seeded, "t-gas-1", "再抽一批")                     # same product again
    with pytest.raises(RuleViolation) as e:
        visits.advance(seeded, second.id)
    assert "batch.same_product" in {p.code for p in e.value.problems}
    visits.abandon(seeded, second.id)
    diesel = _arrive(seeded, "t-gas-2")                               # 2nd batch: allowed
    visits.advance(seeded, diesel.id)
    urea = _arrive(seeded, "t-gas-3")                                 # 3rd batch at one party
    with pytest.raises(RuleViolation) as e:
        visits.advance(seeded, urea.id)
    assert "batch.per_party" in {p.code for p in e.value.problems}


def test_cancelled_task_cannot_be_started(seeded):
    from app.domain.entities import TaskStatus
    from app.services.reference import import_master_data
    from tests.conftest import make_task
    t = make_task()
    t.status, t.cancel_reason = TaskStatus.CANCELLED, "该站已停业"
    import_master_data(seeded, tasks=[t])
    with pytest.raises(RuleViolation, match="该站已停业"):
        visits.start_visit(seeded, t.id)


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge size (a decompression bomb)."""
    import io
    import struct
    import zlib
    from PIL import Image
    buf = io.BytesIO()
    Image.new("1", (8, 8)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = data[12:29]                       # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def test_bad_photos_are_refused_and_the_visit_is_unchanged(seeded, make_jpeg, tmp_path):
    from tests.conftest import jpeg_bytes
    v = _arrive(seeded)
    before = visits.load(seeded, v.id)
    text_file = tmp_path / "not_a_photo.jpg"
    text_file.write_text("这不是照片", encoding="utf-8")
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(jpeg_bytes(5)[:3000])
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_declaring(40000, 40000))     # 1.6 gigapixels declared, tiny on disk
    for path, code in ((text_file, "photo.not_image"), (truncated, "photo.truncated"), (bomb, "photo.too_large")):
        with pytest.raises(RuleViolation) as e:
            evidence.add_evidence(seeded, v.id, C.SITE, path)
        assert [p.code for p in e.value.problems] == [code]
        assert path.name in e.value.texts()[0]
    after = visits.load(seeded, v.id)
    assert after == before
    assert list(seeded.evidence.iter_shas()) == []


def test_pull_keeps_local_progress_but_a_cancellation_wins(seeded):
    from app.domain.entities import TaskStatus
    from app.services.reference import import_master_data, load_task
    from tests.conftest import make_task
    visits.start_visit(seeded, "t-gas-1")
    import_master_data(seeded, tasks=[make_task()])            # the server still says "assigned"
    assert load_task(seeded, "t-gas-1").status == TaskStatus.IN_PROGRESS
    cancelled = make_task()
    cancelled.status, cancelled.cancel_reason = TaskStatus.CANCELLED, "计划调整"
    import_master_data(seeded, tasks=[cancelled])
    assert load_task(seeded, "t-gas-1").status == TaskStatus.CANCELLED


def test_no_sample_exit_closes_the_task_with_its_reason(seeded, make_jpeg):
    """未抽到样品: a third exit beside refusal and the problem report."""
    from app.domain.entities import TaskStatus
    from app.domain.visit import NoSampleReason, SignerRole
    from app.services.documents import DocumentKind, documents_to_leave
    from app.services.reference import load_task
    from sync.client import outbox
    from tests.conftest import signature_png
    v = _arrive(seeded)
    visits.advance(seeded, v.id)                       # at the evidence step: the pumps are dry
    assert visits.open_exit(seeded, v.id, Step.NO_SAMPLE) == Step.NO_SAMPLE
    with pytest.raises(RuleViolation) as e:
        signing.finish(seeded, v.id)
    assert [p.code for p in e.value.problems] == ["no_sample.description", "no_sample.evidence",
                                                  "sign.samplers", "sign.party"]
    assert e.value.texts()[0] == "请填写未抽到样品的经过（过程简要描述）"
    steps.record_no_sample(seeded, v.id, reason="no_stock",
                           description="92#汽油储罐停用检修，罐存量为零，站内无其他车用汽油库存。",
                           local_bureau="太原市迎泽区市场监督管理局")
    evidence.add_evidence(seeded, v.id, C.NO_SAMPLE, make_jpeg())
    for n, (ref, name) in enumerate([("s-zhang", "张伟"), ("s-li", "李娜")], start=1):
        signing.sign(seeded, v.id, role=SignerRole.SAMPLER, name=name, png=signature_png(n), signer_ref=ref)
    signing.refuse_to_sign(seeded, v.id, reason="站长称无权签字，拒绝在说明上签字")
    done = signing.finish(seeded, v.id)
    assert done.status == VisitStatus.NO_SAMPLE and done.record_hash
    assert done.no_sample.reason == NoSampleReason.NO_STOCK
    assert done.no_sample.place == "山西省太原市迎泽区迎泽大街100号" and done.no_sample.products == "车用汽油"
    assert load_task(seeded, "t-gas-1").status == TaskStatus.NO_SAMPLE
    with seeded.db.session() as s:
        assert outbox.summary(s) == {"pending": 1}             # queued for the province
        assert visits_repo.signed_record(s, v.id).record_hash == done.record_hash
    from app.domain.record import record_document
    document = record_document(done)
    assert document["status"] == "no_sample" and document["no_sample"]["reason"] == "no_stock"
    assert [d.kind for d in documents_to_leave(done)] == [
        DocumentKind.INSPECTION_NOTICE, DocumentKind.FEEDBACK_FORM, DocumentKind.NO_SAMPLE_STATEMENT]
    assert all(d.ready for d in documents_to_leave(done))
    # the task is closed: no second visit on it
    with pytest.raises(RuleViolation) as e:
        visits.start_visit(seeded, "t-gas-1")
    assert e.value.problems[0].code == "task.no_sample"


def test_no_sample_reason_must_be_one_of_the_list(seeded):
    v = _arrive(seeded)
    visits.open_exit(seeded, v.id, Step.NO_SAMPLE)
    with pytest.raises(RuleViolation) as e:
        steps.record_no_sample(seeded, v.id, reason="lunch_break")
    assert [(p.code, p.field) for p in e.value.problems] == [("value.choice", "no_sample.reason")]
    assert visits.load(seeded, v.id).no_sample is None         # a bad value changes nothing
    assert visits.back(seeded, v.id) == Step.PARTY              # and the exit can be left again


def test_no_sample_statement_pdf_from_the_services(seeded, make_jpeg, memory_keyring):
    from app.services import documents
    from tests.forms.conftest import compact, pdftotext
    v = _arrive(seeded)
    visits.open_exit(seeded, v.id, Step.NO_SAMPLE)
    steps.record_no_sample(seeded, v.id, reason="deregistered", description="营业执照已于2022年9月注销，现场已停业。")
    text = compact(pdftotext(documents.build_pdf(seeded, v.id, documents.DocumentKind.NO_SAMPLE_STATEMENT)))
    assert "■注销" in text and "营业执照已于2022年9月注销" in text and "太原市迎泽区某某加油站有限公司" in text
    assert f"编号：{v.record_no}-WC" in text
