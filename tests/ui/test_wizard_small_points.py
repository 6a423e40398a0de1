"""Issue 13, smaller points: flagged photos said in words; showing the
notice ticks it; the refusal's list of what is missing follows the typing;
three present samplers everywhere; "1 page" in English; the sample's
date fields and hints."""
from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton
from pypdf import PdfReader

from app.domain.visit import SignerRole, TeamMember
from app.domain.workflow import Step
from app.services import documents, steps, visits
from tests.services.test_evidence_meta import exif_jpeg
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import Driver, open_wizard


def test_a_flagged_photo_is_marked_and_explained(qtbot, seeded, make_jpeg, type_text, tmp_path):
    vid = walk_to(seeded, make_jpeg, Step.EVIDENCE)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    old = exif_jpeg(tmp_path / "IMG_old.jpg", "2022:11:01 09:00:00", "+08:00")
    d.add_photos("site", [old])
    sec = w.page.photos.section("site")
    qtbot.waitUntil(lambda: sec.flag_label.isVisible(), timeout=10_000)
    caption = sec.model.item(0).text()
    assert caption == "第1张 ⚠需核实"
    assert sec.flag_label.text().startswith("⚠ 第1张：拍摄于本次抽样开始之前（2022-11-01 09:00）")
    assert "拍摄时间：2022-11-01 09:00" in sec.model.item(0).toolTip()
    # the section shows the explanation whole: it grew, nothing scrolls inside it
    grid = w.page.photos.grids["site"]
    assert grid.minimumHeight() >= grid.widget().sizeHint().height()


def test_showing_the_notice_ticks_it(qtbot, seeded, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    w = open_wizard(qtbot, seeded, v.id)
    d = Driver(qtbot, w, type_text)
    box = d.widget("shown.inspection_notice", QCheckBox)
    assert not box.isChecked()
    d.click(d.widget("inspection_notice.preview", QPushButton))
    qtbot.waitUntil(box.isChecked, timeout=15_000)
    d.idle()
    d.close_previews()
    assert visits.load(seeded, v.id).shown.inspection_notice


def test_the_refusal_list_follows_the_typing(qtbot, seeded, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    visits.open_exit(seeded, v.id, Step.REFUSAL)
    w = open_wizard(qtbot, seeded, v.id)
    d = Driver(qtbot, w, type_text)
    d.next()
    assert w.missing_texts() == ["请填写拒检事实经过", "请附拒检证据（照片、录像或见证人）"]
    facts = d.widget("refusal.facts")
    type_text(facts, "站长拒绝抽样")                       # typing, still in the field
    assert facts.hasFocus()
    qtbot.waitUntil(lambda: w.missing_texts() == ["请附拒检证据（照片、录像或见证人）"], timeout=5_000)
    assert facts.hasFocus()


def test_three_present_samplers_everywhere(qtbot, seeded, make_jpeg, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.add_sampler_on_site(seeded, v.id, name="王强", certificate_no="晋抽证2022-0099")
    vid = v.id
    from tests.ui.visit_steps import enter
    from app.domain.workflow import ORDER
    for step in ORDER[:ORDER.index(Step.SIGN)]:
        enter(seeded, vid, step, make_jpeg)
        visits.advance(seeded, vid)
    names = [m.name for m in visits.load(seeded, vid).present_team()]
    assert names == ["张伟", "李娜", "王强"]
    w = open_wizard(qtbot, seeded, vid)
    pads = [s for s in w.page.signers if s.role == SignerRole.SAMPLER]
    assert [s.pad.name_edit.text() for s in pads] == names
    enter(seeded, vid, Step.SIGN, make_jpeg)
    for kind in ("sampling_form", "payment_slip"):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.build_pdf(seeded, vid, kind))).pages)
        assert all(n in text for n in names), kind


def test_one_page_in_english(english):
    from app.ui.pdf_view import pages_text, sent_text
    assert pages_text(1) == "1 page" and pages_text(3) == "3 pages"
    assert sent_text(1) == "1 page sent to the printer"


def test_batch_and_date_fields_say_what_they_are(qtbot, seeded, make_jpeg):
    vid = walk_to(seeded, make_jpeg, Step.SAMPLE, "t-gas-2")
    w = open_wizard(qtbot, seeded, vid)
    labels = {lab.buddy().objectName(): lab.text() for lab in w.page.findChildren(type(w.header))
              if lab.buddy() is not None}
    assert labels["sample.batch_no"] == "批号" and labels["sample.production_date"] == "生产日期"
    delivery = w.page.findChild(QLineEdit, "sample.product_fields.last_delivery_date")
    assert delivery.placeholderText() == "年-月-日"                   # not a date that looks filled in
