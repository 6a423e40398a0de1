"""The wizard's print page reads the document registry: the documents a
finished visit leaves, by their short names, and each one's print dialog
starts at the registry's number of copies."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app.domain.documents import REGISTRY, DocumentKind as K, documents_to_leave
from app.domain.workflow import Step
from app.services import visits
from app.ui.pdf_view import PdfPreviewDialog
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.ui.wizard_driver import open_wizard
from tests.ui.clicking import click


def _preview() -> PdfPreviewDialog | None:
    return next((d for d in QApplication.topLevelWidgets() if isinstance(d, PdfPreviewDialog) and d.isVisible()),
                None)


def test_print_page_lists_the_registry_documents_and_presets_their_copies(qtbot, seeded, make_jpeg):
    done = complete_visit(seeded, make_jpeg, signature_png)
    w = open_wizard(qtbot, seeded, done.id)
    page = w.pages[Step.DOCUMENTS]
    shown = {lab.objectName(): lab.text() for lab in page.findChildren(QLabel) if lab.objectName().startswith("doc.")}
    leaves = documents_to_leave(visits.load(seeded, done.id))
    assert list(shown) == [f"doc.{n.kind.value}" for n in leaves]
    assert shown["doc.sampling_form"] == "抽样单" and shown["doc.payment_slip"] == "样品付费单"

    click(qtbot, page.findChild(QPushButton, "sampling_form.preview"))
    qtbot.waitUntil(lambda: _preview() is not None, timeout=15_000)
    dlg = _preview()
    qtbot.waitUntil(lambda: dlg.view.page_count() > 0, timeout=15_000)
    assert dlg.windowTitle() == "抽样单"
    assert REGISTRY[K.SAMPLING_FORM].copies == 2
    assert dlg.view.make_printer().copyCount() == 2     # one for the party, one for the agency
    dlg.close()
