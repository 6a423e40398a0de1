"""What every wizard page shares: a title, a scrollable body, bound fields
that autosave through the session, read-only mode for frozen visits."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.messages import Problem
from app.domain.visit import Visit
from app.domain.workflow import Step, step_title
from app.services import steps
from app.ui.wizard.fields import Binder, mark_invalid
from app.ui.wizard.session import VisitSession

# Which service saves a field, by the first part of its dotted key.
SAVERS = {
    "party": steps.record_party,
    "producer": steps.record_producer,
    "sample": steps.record_sample,
    "shown": steps.record_shown_documents,
    "backup_storage": steps.set_backup_storage,
    "refusal": steps.record_refusal,
    "problem": steps.record_problem,
    "no_sample": steps.record_no_sample,
    "payment": steps.record_invoice,
    "remarks": steps.record_remarks,
}


class WizardPage(QWidget):
    step: Step

    def __init__(self, session: VisitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.binder = Binder(self._save_field)
        self.read_only = False
        self.visit: Visit | None = None
        self._missing_marked: set[str] = set()
        self.title = QLabel(step_title(self.step))
        self.title.setObjectName("page_title")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold; padding: 4px 0 8px 0;")
        self.title.setWordWrap(True)
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 8, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.scroll, 1)
        session.save_failed.connect(self._field_failed)
        session.save_ok.connect(self._field_ok)
        self.build()
        self.body.addStretch(1)

    # --- to override -------------------------------------------------------
    def build(self) -> None:
        """Create the widgets (bound through self.binder)."""

    def on_load(self, visit: Visit) -> None:
        """Show what the binder does not cover (tables, photos, signatures)."""

    def on_saved(self, visit: Visit) -> None:
        """A change was saved: refresh derived values (never the inputs)."""

    def flush_extra(self) -> None:
        """Save unsaved input that is not a bound field (e.g. a signature)."""

    # --- the wizard calls these ---------------------------------------------
    def load(self, visit: Visit) -> None:
        self.visit = visit
        self.binder.load(visit)
        self.on_load(visit)

    def saved(self, visit: Visit) -> None:
        self.visit = visit
        self.on_saved(visit)

    def flush(self) -> None:
        if not self.read_only:
            self.binder.flush()
            self.flush_extra()

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        self.binder.set_read_only(ro)
        self.on_read_only(ro)

    def on_read_only(self, ro: bool) -> None:
        """Disable the page's own buttons (add photo, seal, pay...)."""

    def on_missing(self, fields: set[str]) -> None:
        """Outline missing things that are not bound fields (e.g. photo categories)."""

    def show_missing(self, problems: list[Problem]) -> None:
        """Outline in red the fields the rules say are missing, with the reason."""
        from app.ui.i18n import language
        texts: dict[str, list[str]] = {}
        for p in problems:
            texts.setdefault(p.field, []).append(p.text(language()))
        for key in self._missing_marked - set(texts):
            if key in self.binder.bindings:
                mark_invalid(self.binder.bindings[key].widget, "")
        self._missing_marked = {k for k in texts if k in self.binder.bindings}
        for key in self._missing_marked:
            mark_invalid(self.binder.bindings[key].widget, "\n".join(texts[key]))
        self.on_missing(set(texts))

    # --- autosave ------------------------------------------------------------
    def _save_field(self, key: str, value: Any) -> None:
        group, _, name = key.partition(".")
        if name:
            self.session.save(key, SAVERS[group], **{name: value})
        else:
            self.session.save(key, SAVERS[group], value)

    def _field_failed(self, key: str, error) -> None:
        w = self.binder.widget(key)
        if w is not None:
            from app.ui.i18n import language
            mark_invalid(w, "\n".join(error.texts(language())))

    def _field_ok(self, key: str) -> None:
        w = self.binder.widget(key)
        if w is not None:
            mark_invalid(w, "")


def hint(text: str) -> QLabel:
    """A short explanation under a page title."""
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setStyleSheet("color: #455a64;")
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab
