"""预览 / 打印 / 导出PDF of one document: the PDF is built off the GUI thread
through app.services.documents, then shown with the shared PDF view."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from app.domain.documents import merge
from app.services import documents
from app.services.documents import REGISTRY, DocumentKind
from app.ui.i18n import tr
from app.ui.ops import show_failure
from app.ui.wizard.session import VisitSession

ACTIONS = ("preview", "print", "export")
# The wizard's part of each registry entry (navmap_merge): the actions its
# print pages offer. The lab's documents (no visit leaves them) are not printed here.
GUI_DOCUMENTS = merge(REGISTRY, {kind: {"actions": ACTIONS} for kind, doc in REGISTRY.items() if doc.leaves})


def document_name(kind: DocumentKind) -> str:
    return tr(REGISTRY[kind].name)


def _build(ws, visit_id: str, kind: DocumentKind) -> bytes:
    """Worker side: seal labels come out at the label size chosen in settings."""
    from app import settings_file
    return documents.build_pdf(ws, visit_id, kind, label_size=settings_file.load().label_size)


class DocumentActions:
    """Runs one action on one document of the session's visit."""

    def __init__(self, session: VisitSession, parent: QWidget) -> None:
        self.session = session
        self.parent = parent
        self.last_error: BaseException | None = None
        self.dialogs: list = []

    def run(self, kind: DocumentKind, action: str) -> None:
        self.last_error = None
        self.session.run_bg(_build, self.session.ws, self.session.visit_id, kind,
                            ok=lambda pdf: self._deliver(kind, action, pdf), fail=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.last_error = error
        self.dialogs.append(show_failure(error, self.parent))

    def _deliver(self, kind: DocumentKind, action: str, pdf: bytes) -> None:
        from app.ui.pdf_view import PdfPreviewDialog, write_file_atomic
        name = f"{self.session.visit_id[:8]}-{kind.value}.pdf"
        if action == "export":
            dlg = QFileDialog(self.parent, tr("导出PDF"))
            dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dlg.setNameFilter(tr("PDF文件 (*.pdf)"))
            dlg.setDefaultSuffix("pdf")
            dlg.selectFile(name)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.fileSelected.connect(lambda path: self.session.run_bg(write_file_atomic, path, pdf,
                                                                      ok=lambda _p: None))
            dlg.open()
            self.dialogs.append(dlg)
            return
        dlg = PdfPreviewDialog(pdf, document_name(kind), name, self.parent, copies=REGISTRY[kind].copies)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if action == "print":
            dlg.view.rendered.connect(lambda _n: dlg.view.print_document())
        dlg.open()
        self.dialogs.append(dlg)


def action_buttons(actions: DocumentActions, kind: DocumentKind, which: tuple[str, ...] | None = None) -> QWidget:
    """A row of 预览 / 打印 / 导出PDF buttons for `kind` (default: all it offers)."""
    which = GUI_DOCUMENTS[kind].part("actions") if which is None else which
    texts = {"preview": tr("预览"), "print": tr("打印"), "export": tr("导出PDF")}
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for action in which:
        b = QPushButton(texts[action])
        b.setObjectName(f"{kind.value}.{action}")
        b.clicked.connect(lambda _c=False, a=action: actions.run(kind, a))
        row.addWidget(b)
    return box
