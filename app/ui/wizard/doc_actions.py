"""预览 / 打印 / 导出PDF of one document, and 打印全部: the PDFs are built
off the GUI thread through app.services.documents, then shown with the
shared PDF view. 打印全部 is one print job: every document the visit leaves,
each with its copies, merged into one PDF."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

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


def _build_all(ws, visit_id: str) -> tuple[bytes, int]:
    """Worker side: the documents left behind, each repeated for its
    copies, as one PDF; and the number of printed documents."""
    from app.ui.pdf_view import merge_pdfs
    parts = [(pdf, copies) for _kind, copies, pdf in documents.build_print_set(ws, visit_id)]
    return merge_pdfs(parts), sum(copies for _pdf, copies in parts)


class DocumentActions:
    """Runs one action on one document of the session's visit."""

    def __init__(self, session: VisitSession, parent: QWidget) -> None:
        self.session = session
        self.parent = parent
        self.last_error: BaseException | None = None
        self.dialogs: list = []
        self.on_done = None          # called with (kind, action) once a document is shown/printed

    def run(self, kind: DocumentKind, action: str) -> None:
        self.last_error = None
        self.session.run_bg(_build, self.session.ws, self.session.visit_id, kind,
                            ok=lambda pdf: self._deliver(kind, action, pdf), fail=self._failed)

    def print_all(self) -> None:
        self.last_error = None
        self.session.run_bg(_build_all, self.session.ws, self.session.visit_id,
                            ok=lambda result: self._print_all(*result), fail=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.last_error = error
        self.dialogs.append(show_failure(error, self.parent))

    def file_name(self, title: str) -> str:
        """抽样单-<record no.>-<party>.pdf"""
        from app.ui.file_dialogs import export_name
        st = self.session.state
        visit = st.visit if st is not None else None
        return export_name(title, visit.record_no if visit else self.session.visit_id[:8],
                           visit.party.name if visit else "")

    def _deliver(self, kind: DocumentKind, action: str, pdf: bytes) -> None:
        from app.ui import file_dialogs
        from app.services.files import save_file
        from app.ui.pdf_view import PdfPreviewDialog
        name = self.file_name(document_name(kind))
        if action == "export":
            dlg = file_dialogs.export_pdf(self.parent, name)
            dlg.fileSelected.connect(lambda path: self.session.run_bg(save_file, path, pdf,
                                                                      ok=lambda _p: None))
            self.dialogs.append(dlg)
            return
        dlg = PdfPreviewDialog(pdf, document_name(kind), name, self.parent, copies=REGISTRY[kind].copies)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if action == "print":
            dlg.view.rendered.connect(lambda _n: dlg.view.print_document())
        dlg.open()
        self.dialogs.append(dlg)
        if self.on_done is not None:
            self.on_done(kind, action)

    def _print_all(self, pdf: bytes, count: int) -> None:
        from app.ui.pdf_view import PdfPreviewDialog
        title = tr("打印全部留存文书（共{n}份）", n=count)
        dlg = PdfPreviewDialog(pdf, title, self.file_name(tr("留存文书")), self.parent)
        dlg.setObjectName("print_all_preview")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.view.rendered.connect(lambda _n: dlg.view.print_document())
        dlg.open()
        self.dialogs.append(dlg)


class ActionRow(QWidget):
    """A row of 预览 / 打印 / 导出PDF buttons for one document."""

    def __init__(self, actions: DocumentActions, kind: DocumentKind, which=ACTIONS) -> None:
        super().__init__()
        texts = {"preview": tr("预览"), "print": tr("打印"), "export": tr("导出PDF")}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for action in which:
            b = QPushButton(texts[action])
            b.setObjectName(f"{kind.value}.{action}")
            b.clicked.connect(lambda _c=False, a=action: actions.run(kind, a))
            row.addWidget(b)
            self.buttons[action] = b


def action_buttons(actions: DocumentActions, kind: DocumentKind, which: tuple[str, ...] | None = None) -> QWidget:
    """A row of 预览 / 打印 / 导出PDF buttons for `kind` (default: all it offers)."""
    return ActionRow(actions, kind, GUI_DOCUMENTS[kind].part("actions") if which is None else which)
