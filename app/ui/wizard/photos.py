"""Connects a PhotoGrid to the visit: files added are ingested on the pool
(hash + store, slow) and attached on the DB worker, removals and "no photo"
reasons are autosaved, thumbnails come from the evidence store."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.domain.times import china_text
from app.domain import evidence_checks
from app.domain.labels import EVIDENCE_CATEGORY, label
from app.domain.messages import RuleViolation
from app.domain.visit import EvidenceCategory, Visit
from app.services import evidence, steps
from app.services.workspace import Workspace
from app.ui.i18n import tr
from app.ui.ops import show_failure
from app.ui.photo_grid import PhotoGrid
from app.ui.wizard.session import VisitSession


def ingest_all(ws: Workspace, paths: list[str], report: Callable) -> list[tuple[str, object]]:
    """Worker side: each path with its StoredPhoto, or the RuleViolation that
    refused it (a bad file does not stop the others)."""
    return evidence.ingest_batch(ws, paths, report)


def evidence_note(e) -> str:
    """What does not fit the visit, then when the photo says it was taken."""
    from app.ui.i18n import language
    lines = [evidence_checks.flag_text(f, taken_at=e.taken_at, distance=e.distance_m, lang=language())
             for f in e.flags]
    if e.taken_at:
        lines.append(tr("拍摄时间：{when}", when=china_text(e.taken_at)))
    return "\n".join(lines)


def thumbnail_items(ws: Workspace, visit: Visit, categories: list[str]) -> dict[str, list[tuple]]:
    """Worker side: (evidence id, thumbnail path, caption, original path,
    note, flagged, name) per category."""
    out: dict[str, list[tuple]] = {}
    for cat in categories:
        items = []
        for n, e in enumerate(visit.live_evidence(EvidenceCategory(cat)), 1):
            thumb = ws.evidence.thumbnail(e.sha256)
            name = tr("第{n}张", n=n)
            caption = tr("第{n}张 ⚠需核实", n=n) if e.flags else name
            items.append((e.id, str(thumb) if thumb else None, caption,
                          str(ws.evidence.path(e.sha256)), evidence_note(e), bool(e.flags), name))
        out[cat] = items
    return out


class EvidencePhotos(QWidget):
    """A PhotoGrid for some categories plus an ingest progress bar."""

    def __init__(self, session: VisitSession, categories: list[EvidenceCategory], columns: int = 1,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.categories = [c.value for c in categories]
        # One grid per category so they can sit side by side (1280x800 screens).
        self.grids: dict[str, PhotoGrid] = {}
        cells = QGridLayout()
        cells.setContentsMargins(0, 0, 0, 0)
        for i, cat in enumerate(self.categories):
            grid = PhotoGrid([cat])
            grid.setObjectName("photo_grid")
            grid.setFrameShape(QFrame.Shape.NoFrame)
            # The page scrolls; each grid shows its section at full height.
            grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view = grid.sections[cat].view       # one row of thumbnails; more scroll inside
            view.setMaximumHeight(view.minimumHeight() + 8)
            grid.setMinimumHeight(grid.widget().sizeHint().height() + 4)
            grid.files_added.connect(self.add_files)
            grid.removed.connect(self.remove)
            grid.waiver_changed.connect(self.waive)
            self.grids[cat] = grid
            cells.addWidget(grid, *divmod(i, columns))
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.bar.setFormat(tr("正在导入照片 %v/%m"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.bar)
        self.note = QLabel()              # what the last batch left out, and why
        self.note.setObjectName("photo_batch_note")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        lay.addWidget(self.note)
        lay.addLayout(cells)
        session.saved.connect(self._reload)
        self._visit: Visit | None = None
        self._thumbs_running = False     # a thumbnail pass is on the pool
        self._thumbs_again = False       # the visit changed meanwhile

    def section(self, category: str):
        return self.grids[category].sections[category]

    # --- showing ---------------------------------------------------------
    def load(self, visit: Visit) -> None:
        self._visit = visit
        for cat in self.categories:
            self.grids[cat].set_waiver(cat, visit.evidence_waivers.get(cat, ""))
        self._reload(visit)

    def _reload(self, visit: Visit) -> None:
        before = self._visit
        self._visit = visit
        if before is not None and before is not visit and _same_photos(before, visit, self.categories):
            return
        if self._thumbs_running:         # one pass at a time; the newest visit is shown after it
            self._thumbs_again = True
            return
        self._thumbs_running = True
        self.session.run_bg(thumbnail_items, self.session.ws, visit, self.categories, ok=self._show,
                            fail=self._thumbs_failed)

    def _thumbs_done(self) -> None:
        self._thumbs_running = False
        if self._thumbs_again and self._visit is not None:
            self._thumbs_again = False
            self._reload_forced(self._visit)

    def _thumbs_failed(self, error: BaseException) -> None:
        self._thumbs_done()
        show_failure(error, self)

    def _show(self, items: dict[str, list[tuple]]) -> None:
        self._thumbs_done()
        if self._thumbs_running:         # a newer pass is under way: show that one
            return
        for cat, entries in items.items():
            grid = self.grids[cat]
            grid.set_items(cat, entries)
            # the section grew or shrank (notes on flagged photos): no inner scrolling
            grid.widget().adjustSize()
            grid.setMinimumHeight(grid.widget().sizeHint().height() + 4)

    def set_missing(self, categories: set[str]) -> None:
        for cat, grid in self.grids.items():
            grid.set_missing({cat} & categories)

    def set_read_only(self, ro: bool) -> None:
        for sec in (self.section(c) for c in self.categories):
            for w in (sec.add_button, sec.remove_button, sec.camera_button):
                if w is not None:
                    w.setEnabled(not ro)
            sec.waiver_edit.setReadOnly(ro)
            sec.setAcceptDrops(not ro)

    # --- changes ---------------------------------------------------------
    def add_files(self, category: str, paths: list[str]) -> None:
        self.note.setVisible(False)
        self.bar.setRange(0, len(paths))
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.session.run_bg(ingest_all, self.session.ws, list(paths),
                            ok=lambda results: self._attach(category, results),
                            fail=self._ingest_failed, progress=self._progress)

    def _progress(self, done: int, total: int | None, _text: str) -> None:
        if total:
            self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _ingest_failed(self, error: BaseException) -> None:
        self.bar.setVisible(False)
        show_failure(error, self)

    def _attach(self, category: str, results: list[tuple[str, object]]) -> None:
        self.bar.setVisible(False)
        refused = [r for _, r in results if isinstance(r, RuleViolation)]
        good = [(Path(path).name, stored) for path, stored in results if not isinstance(stored, RuleViolation)]
        again = already_shown(self._visit, EvidenceCategory(category), good)
        if again:    # the service skips them too (it decides on the saved visit)
            self.note.setText(tr("{n}张照片已在“{category}”中，未重复添加：{names}", n=len(again),
                                 category=label(EVIDENCE_CATEGORY, category), names=names_text(again)))
            self.note.setVisible(True)
        if len(good) > len(again):    # one save for the batch; the saved visit comes back through `saved`
            self.session.run_db(evidence.attach_batch, EvidenceCategory(category), good)
        if refused:
            show_failure(RuleViolation([p for e in refused for p in e.problems]), self)

    def _reload_forced(self, visit: Visit) -> None:
        self._visit = None
        self._reload(visit)

    def remove(self, _category: str, evidence_id: str) -> None:
        self.session.save(f"evidence.{_category}", evidence.remove_evidence, evidence_id)

    def waive(self, category: str, reason: str) -> None:
        self.session.save(f"evidence.{category}", steps.waive_evidence, EvidenceCategory(category), reason)


def already_shown(visit: Visit | None, category: EvidenceCategory, batch: list[tuple[str, object]]) -> list[str]:
    """Names of the batch's photos the category shows already (or that the
    batch holds twice): attach_batch does not add them again."""
    seen = {e.sha256 for e in visit.live_evidence(category)} if visit is not None else set()
    again = []
    for name, stored in batch:
        if stored.sha256 in seen:
            again.append(name)
        seen.add(stored.sha256)
    return again


def names_text(names: list[str], most: int = 5) -> str:
    shown = tr("、").join(names[:most])
    return shown if len(names) <= most else tr("{names}等", names=shown)


def _same_photos(a: Visit, b: Visit, categories: list[str]) -> bool:
    ids = lambda v: [(e.id, e.category.value) for e in v.live_evidence() if e.category.value in categories]  # noqa: E731
    return ids(a) == ids(b)
