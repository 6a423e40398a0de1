"""A whole 车用汽油 visit through the real wizard widgets must reach the same
finished record as tests/scenarios.complete_visit driving the services."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from app.domain.record import chain_valid, record_document, record_hash, sealing_hash
from app.domain.visit import EvidenceCategory as C, VisitStatus
from app.domain.workflow import Step
from app.services import visits
from app.services.reference import import_master_data
from app.services.workspace import Workspace
from tests.conftest import AGENCY, MINI_PLAN, SAMPLERS, make_task, signature_png
from tests.scenarios import PETROL_FIELDS, SAMPLE_FIELDS, complete_visit
from tests.ui.clicking import click
from tests.ui.wizard_driver import Driver, comparable, open_wizard

# The services scenario adds photos in this order; seeds 0..7 of make_jpeg.
PHOTO_SEEDS = {C.SITE: 0, C.STORAGE: 1, C.LABEL: 2, C.STOCK: 3, C.PUMP: 4, C.DELIVERY: 5, C.SAMPLING: 6,
               C.SEALED: 7}
TYPED = {k: v for k, v in SAMPLE_FIELDS.items() if k not in ("price_basis",)}
# 车用汽油's own fields: typed, or chosen in their combos (arrow presses down the list)
CHOSEN = {"fuel_grade": 2, "emission_stage": 1, "detergent_added": 1}     # 92#, 国VI(A), 是
TYPED_PRODUCT = {k: v for k, v in PETROL_FIELDS.items() if k not in CHOSEN}


@pytest.fixture
def reference(tmp_path, clock, make_jpeg):
    """The services-level visit in its own workspace (the same party may not be
    sampled twice for one product, so the UI walk needs a fresh workspace)."""
    ws = Workspace(tmp_path / "reference", clock=clock)
    import_master_data(ws, plan=MINI_PLAN, agencies=[AGENCY], samplers=SAMPLERS, tasks=[make_task()])
    v = complete_visit(ws, make_jpeg, signature_png)
    yield v
    ws.close()


def walk_to_documents(d: Driver, make_jpeg) -> None:
    photo = lambda cat: [make_jpeg(f"ui_{cat.value}.jpg", seed=PHOTO_SEEDS[cat])]  # noqa: E731
    assert d.step == Step.ARRIVE
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
    d.next()
    assert d.step == Step.PARTY
    d.next()
    assert d.step == Step.EVIDENCE
    for cat in (C.SITE, C.STORAGE, C.LABEL, C.STOCK, C.PUMP, C.DELIVERY):   # petrol: the pump, the delivery note
        d.add_photos(cat.value, photo(cat))
    d.next()
    assert d.step == Step.SAMPLE
    for name, value in TYPED.items():
        d.fill(f"sample.{name}", value)
    d.choose("sample.price_basis")              # first entry: 标价 (marked price)
    for name, presses in CHOSEN.items():
        d.choose(f"sample.product_fields.{name}", presses)
    for name, value in TYPED_PRODUCT.items():
        d.fill(f"sample.product_fields.{name}", value)
    d.add_photos(C.SAMPLING.value, photo(C.SAMPLING))
    d.next()
    assert d.step == Step.PAY, d.w.missing_texts()
    assert d.widget("payment.quantity").text() == "2" and d.widget("payment.unit_price").text() == "7.85"
    d.click(d.widget("pay"))
    d.idle()
    assert d.widget("payment.amount").text() == "2L × 7.85元 = 15.70元"
    d.next()
    assert d.step == Step.SEAL
    d.click(d.widget("seal"))
    d.idle()
    # 打印封条 opens the signed seal labels (one per package) for printing.
    d.qtbot.waitUntil(lambda: bool(d.close_previews() or None), timeout=15_000)
    assert d.close_message_boxes() == []
    assert "-J1" in d.widget("seal_list").text() and "-B1" in d.widget("seal_list").text()
    d.add_photos(C.SEALED.value, photo(C.SEALED))
    d.next()
    assert d.step == Step.SIGN
    page = d.w.page
    for i, s in enumerate(page.signers):
        d.draw(s.pad, seed=i)
    d.next()
    assert d.step == Step.DOCUMENTS, d.w.missing_texts()


def test_wizard_walk_reaches_the_services_record(qtbot, seeded, reference, make_jpeg, type_text):
    v = visits.start_visit(seeded, "t-gas-1")
    w = open_wizard(qtbot, seeded, v.id)
    d = Driver(qtbot, w, type_text)
    walk_to_documents(d, make_jpeg)
    names = [lab.text() for lab in d.w.page.docs_box.findChildren(type(d.w.header))
             if lab.objectName().startswith("doc.")]
    assert names == ["监督抽查通知书", "抽样单", "工作质量及工作纪律反馈单", "样品付费单", "封条"]
    # Before 完成 the documents are previewed (the sampling form: 2 A4 pages);
    # they are printed once the record is signed and hashed.
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication
    button = type(d.w.next_button)
    assert d.w.page.findChild(button, "sampling_form.print") is None
    d.click(d.w.page.findChild(button, "sampling_form.preview"))
    qtbot.waitUntil(lambda: d.close_previews() == [2], timeout=60_000)   # rendering, on a loaded machine
    with qtbot.waitSignal(w.finished, timeout=10000) as sig:
        d.next()                                 # 完成, confirmed: the record is frozen
    assert sig.args == [v.id, "finished"]
    d.idle()
    # 打印 the sampling form: it is built, previewed and the system print
    # dialog opens over it.
    d.click(d.w.page.findChild(button, "sampling_form.print"))
    qtbot.waitUntil(lambda: any(isinstance(x, QPrintDialog) and x.isVisible()
                                for x in QApplication.topLevelWidgets()), timeout=15_000)
    for x in QApplication.topLevelWidgets():
        if isinstance(x, QPrintDialog):
            x.reject()
    assert d.close_previews() == [2]

    done = visits.load(seeded, v.id)
    assert done.status == VisitStatus.FINISHED
    assert record_hash(done) == done.record_hash and chain_valid(done)
    assert done.sealing_hash == sealing_hash(done)
    assert comparable(record_document(done)) == comparable(record_document(reference))
    # The signatures are the drawn ones: stored PNGs with ink on them.
    assert [s.name for s in done.signatures] == ["张伟", "李娜", "钱经理"]
    for s in done.signatures:
        img = Image.open(io.BytesIO(seeded.evidence.read(s.image_sha256))).convert("L")
        assert img.getextrema()[0] < 80
    # Frozen: read-only pages, no Next, the banner offers 更正/补充.
    assert not w.next_button.isVisible() and w.banner.isVisible()
    assert w.page.read_only and w.banner.amend_button.isVisible()


def test_amendment_through_the_dialog_keeps_the_original(qtbot, seeded, make_jpeg, type_text):
    v = complete_visit(seeded, make_jpeg, signature_png)
    w = open_wizard(qtbot, seeded, v.id)
    d = Driver(qtbot, w, type_text)
    assert w.banner.isVisible()
    dlg = w.banner.open_dialog()
    qtbot.waitExposed(dlg)
    dlg.field.setCurrentIndex(dlg.field.findData("sample.batch_no"))
    assert dlg.old.text() == "20221114-02"
    type_text(dlg.new_value, "20221114-03")
    type_text(dlg.reason, "批号抄写笔误")
    click(qtbot, dlg.findChild(type(w.next_button), "amend.ok"))
    d.idle()
    assert "受检单位签名" in dlg.error.text()          # refused without the party's signature
    d.draw_on(dlg.pad.canvas)
    with qtbot.waitSignal(dlg.amended, timeout=10000):
        click(qtbot, dlg.findChild(type(w.next_button), "amend.ok"))
    d.idle()
    after = visits.load(seeded, v.id)
    assert after.sample.batch_no == "20221114-02"
    assert [a.new_value for a in after.amendments] == ["20221114-03"] and chain_valid(after)
    assert "20221114-03" in w.banner.text.text()
