"""Issue 13.7: 完成 asks for a confirmation that says the record freezes;
打印全部 prints every document left behind in ONE job with the copies each
needs, after 完成 so they carry the record hash; printing to a PDF printer
writes the vector PDF (small, text intact), not 300 dpi rasters."""
from __future__ import annotations

import io

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QPushButton
from pypdf import PdfReader

from app.domain.visit import VisitStatus
from app.domain.workflow import Step
from app.services import documents, visits
from app.services.documents import REGISTRY, DocumentKind
from app.ui.pdf_view import PdfPreviewDialog
from tests.ui.visit_steps import walk_to
from tests.ui.wizard_driver import Driver, open_wizard
from tests.ui.clicking import click


def previews():
    return [d for d in QApplication.topLevelWidgets() if isinstance(d, PdfPreviewDialog) and d.isVisible()]


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_finish_asks_first_and_can_be_declined(qtbot, seeded, make_jpeg, type_text):
    vid = walk_to(seeded, make_jpeg, Step.DOCUMENTS)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    d.click(w.next_button)                               # 完成
    d.idle()
    box = w.finish_box
    assert box is not None and box.isVisible()
    assert "冻结" in box.text() and "更正/补充" in box.text()
    assert box.defaultButton() is box.back_button          # Enter alone does not freeze it
    with qtbot.assertNotEmitted(w.finished, wait=200):
        click(qtbot, box.back_button)
        d.idle()
    assert visits.load(seeded, vid).status == VisitStatus.IN_PROGRESS
    with qtbot.waitSignal(w.finished, timeout=10_000):
        d.next()                                          # and confirmed this time
    assert visits.load(seeded, vid).status == VisitStatus.FINISHED


def test_refusal_confirmation_says_how_the_visit_ends(qtbot, seeded, make_jpeg, type_text):
    from app.services import steps
    v = visits.start_visit(seeded, "t-gas-1")
    visits.open_exit(seeded, v.id, Step.REFUSAL)
    steps.record_refusal(seeded, v.id, facts="拒绝抽样", evidence_note="现场录像")
    w = open_wizard(qtbot, seeded, v.id)
    Driver(qtbot, w, type_text).click(w.next_button)
    qtbot.waitUntil(lambda: w.finish_box is not None, timeout=10_000)
    assert "拒检" in w.finish_box.text() and "签字生效" not in w.finish_box.text()
    w.finish_box.reject()


def test_print_all_is_one_job_with_every_copy_and_the_hash(qtbot, seeded, make_jpeg, type_text, tmp_path):
    vid = walk_to(seeded, make_jpeg, Step.DOCUMENTS)
    w = open_wizard(qtbot, seeded, vid)
    d = Driver(qtbot, w, type_text)
    page = w.page
    assert not page.print_all_button.isEnabled()          # before 完成: no prints without the hash
    assert page.findChild(QPushButton, "sampling_form.print") is None
    d.next()                                              # 完成 (confirmed)
    assert page.print_all_button.isEnabled() and page.print_all_button.property("primary")
    done = visits.load(seeded, vid)
    d.click(page.print_all_button)
    qtbot.waitUntil(lambda: any(isinstance(x, QPrintDialog) and x.isVisible()
                                for x in QApplication.topLevelWidgets()), timeout=20_000)
    dialog = next(x for x in QApplication.topLevelWidgets() if isinstance(x, QPrintDialog) and x.isVisible())
    dialog.reject()                                       # print to a PDF file instead of a printer
    (preview,) = previews()
    view = preview.view
    out = tmp_path / "print-all.pdf"
    with qtbot.waitSignal(view.printed, timeout=20_000) as sig:
        view.print_to(pdf_printer(out))
    expected = {k: len(PdfReader(io.BytesIO(pdf)).pages) for k, _c, pdf in documents.build_print_set(seeded, vid)}
    want = [DocumentKind.INSPECTION_NOTICE, DocumentKind.SAMPLING_FORM, DocumentKind.FEEDBACK_FORM,
            DocumentKind.PAYMENT_SLIP]
    assert list(expected) == want                         # no seal labels: those went on the packages
    pages = sum(REGISTRY[k].copies * n for k, n in expected.items())
    reader = PdfReader(str(out))
    assert sig.args == [pages] and len(reader.pages) == pages
    text = "\n".join(p.extract_text() for p in reader.pages)
    # the sampling form is there twice (party and agency), both with the record hash
    assert text.count(done.record_hash) == REGISTRY[DocumentKind.SAMPLING_FORM].copies == 2
    assert out.stat().st_size < 120_000 * pages           # vector, not 7-9 MB rasters per page
    preview.close()


def test_printing_one_document_to_pdf_keeps_it_vector(qtbot, seeded, make_jpeg, tmp_path):
    from tests.ui.visit_steps import finish
    done = finish(seeded, make_jpeg)
    pdf = documents.build_pdf(seeded, done.id, "sampling_form")
    dlg = PdfPreviewDialog(pdf, "抽样单")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.view.page_count() > 0, timeout=15_000)
    out = tmp_path / "form.pdf"
    with qtbot.waitSignal(dlg.view.printed, timeout=15_000):
        dlg.view.print_to(pdf_printer(out))
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2 and done.record_hash in "".join(p.extract_text() for p in reader.pages)
    assert out.stat().st_size < 2 * len(pdf)


def test_rasters_for_a_printer_are_not_blown_up(qtbot):
    """A real printer gets pages at its own resolution (at most 300 dpi),
    handed over as they are: no upscaled copy is made in memory."""
    from app.ui.pdf_view import MAX_PRINT_DPI, print_dpi
    p = QPrinter(QPrinter.PrinterMode.HighResolution)
    p.setResolution(1200)
    assert print_dpi(p) == MAX_PRINT_DPI
    p.setResolution(203)                                  # a thermal label printer
    assert print_dpi(p) == 203


def test_a_draft_sampling_form_says_how_to_check_the_record(seeded, make_jpeg):
    vid = walk_to(seeded, make_jpeg, Step.DOCUMENTS)
    pdf = documents.build_pdf(seeded, vid, "sampling_form")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    record_no = visits.load(seeded, vid).record_no
    assert "尚无记录哈希" in text.replace(" ", "") and record_no in text
