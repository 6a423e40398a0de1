"""Drive the visit wizard like a sampler: clicks, typing, photos chosen in
the file dialog, signatures drawn with the mouse. Shared by the wizard tests."""
from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QFileDialog, QLineEdit, QMessageBox,
                               QPlainTextEdit, QWidget)

from app.domain.workflow import Step
from app.ui import ops
from app.ui.wizard import VisitWizard
from tests.ui.clicking import click

SIZE = (1280, 800)


class Driver:
    def __init__(self, qtbot, wizard: VisitWizard, type_text) -> None:
        self.qtbot, self.w, self._type = qtbot, wizard, type_text

    # --- waiting -------------------------------------------------------------
    def idle(self, timeout: int = 15000) -> None:
        self.qtbot.waitUntil(lambda: self.w.is_idle() and ops.pending() == 0, timeout=timeout)

    @property
    def step(self) -> Step:
        return self.w.state.step

    def widget(self, key: str, cls=QWidget):
        found = self.w.page.findChild(cls, key)
        assert found is not None, f"no widget {key} on page {self.w.page.step}"
        return found

    # --- input -----------------------------------------------------------------
    def click(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        click(self.qtbot, widget)

    def fill(self, key: str, text: str) -> None:
        """Clear a field, type the text, finish the edit (Return / Tab)."""
        w = self.widget(key)
        w.window().activateWindow()
        target = w.lineEdit() if isinstance(w, QComboBox) else w
        self.w.page.scroll.ensureWidgetVisible(w)
        target.setFocus()
        self.qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        self.qtbot.keyClick(target, Qt.Key.Key_Delete)
        self._type(target, text)
        if isinstance(target, QPlainTextEdit):
            self.qtbot.keyClick(target, Qt.Key.Key_Tab)         # focus out ends the edit
        else:
            self.qtbot.keyClick(target, Qt.Key.Key_Return)
        self.idle()

    def choose(self, key: str, steps_down: int = 1) -> None:
        """Pick an entry of a closed (non-editable) combo with the arrow keys."""
        combo = self.widget(key, QComboBox)
        combo.setFocus()
        for _ in range(steps_down):
            self.qtbot.keyClick(combo, Qt.Key.Key_Down)
        self.idle()

    def tick(self, key: str, on: bool = True) -> None:
        box = self.widget(key, QCheckBox)
        if box.isChecked() != on:
            self.w.page.scroll.ensureWidgetVisible(box)
            assert box.isVisible() and box.isEnabled()
            # on the box itself: a wide check box only reacts on its indicator and text
            click(self.qtbot, box, pos=QPoint(14, box.height() // 2))
        assert box.isChecked() == on
        self.idle()

    def next(self) -> None:
        """下一步; at the last step 完成, confirmed in the box it opens."""
        self.click(self.w.next_button)
        self.idle()
        box = self.w.finish_box
        if box is not None and box.isVisible():
            self.click(box.confirm_button)
            self.idle()

    def back(self) -> None:
        self.click(self.w.back_button)
        self.idle()

    # --- photos and signatures --------------------------------------------------
    def add_photos(self, category: str, paths: list[Path]) -> None:
        """添加照片 -> choose the files in the file dialog -> imported."""
        grids = [g for g in self.w.page.findChildren(QWidget, "photo_grid") if category in g.sections]
        grid = grids[0]
        section = grid.sections[category]
        before = len(section.evidence_ids())
        self.click(section.add_button)
        dlg = next(d for d in QApplication.topLevelWidgets() if isinstance(d, QFileDialog) and d.isVisible())
        dlg.setDirectory(str(paths[0].parent))
        dlg.selectFile(" ".join(f'"{p.name}"' for p in paths))
        dlg.accept()
        self.idle()
        self.qtbot.waitUntil(lambda: len(section.evidence_ids()) == before + len(paths), timeout=10000)

    def draw(self, pad, seed: int = 0) -> None:
        """A signature: a few strokes dragged with the left mouse button."""
        self.w.page.scroll.ensureWidgetVisible(pad.canvas)
        self.draw_on(pad.canvas, seed)

    def draw_on(self, canvas, seed: int = 0) -> None:
        h, wd = canvas.height(), canvas.width()
        for stroke in range(2):
            pts = [QPoint(int(wd * (0.15 + 0.07 * i)), int(h * (0.3 + 0.3 * ((i + stroke + seed) % 3) / 2)))
                   for i in range(10)]
            self.qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=pts[0])
            for p in pts[1:]:
                self.qtbot.mouseMove(canvas, p)
            self.qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=pts[-1])

    def close_previews(self) -> list[int]:
        """Close open PDF previews; the page count each one rendered."""
        from app.ui.pdf_view import PdfPreviewDialog
        counts = []
        for dlg in QApplication.topLevelWidgets():
            if isinstance(dlg, PdfPreviewDialog) and dlg.isVisible():
                self.qtbot.waitUntil(lambda: len(dlg.view._pages) > 0, timeout=60_000)   # rendering, on a loaded machine
                counts.append(len(dlg.view._pages))
                dlg.close()
        return counts

    def close_message_boxes(self) -> list[str]:
        texts = []
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible():
                texts.append(box.text())
                box.close()
        return texts


def open_wizard(qtbot, ws, visit_id: str) -> VisitWizard:
    w = VisitWizard(ws, visit_id)
    qtbot.addWidget(w)
    w.resize(*SIZE)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.state is not None and ops.pending() == 0, timeout=10000)
    return w


def comparable(doc: dict) -> dict:
    """A record document without what legitimately differs between two
    workspaces walking the same visit:
    - ids made with uuid4 (visit, evidence items, seals, signatures);
    - the record number (it embeds the random device id), also inside seal numbers;
    - the sealing hash (a hash over the id and record number);
    - signature image hashes (a hand-drawn PNG is not the scripted PNG).
    Timestamps stay: both runs use the same fixed clock, so they must agree."""
    d = copy.deepcopy(doc)
    record_no = d.pop("record_no")
    d.pop("id")
    d.pop("sealing_hash")
    sig_hashes = {s["image_sha256"] for s in d["signatures"]}
    for e in d["evidence"]:
        e.pop("id")
    for s in d["seals"]:
        s.pop("id")
        s["seal_no"] = s["seal_no"].replace(record_no, "<record_no>")
    for s in d["signatures"]:
        s.pop("id")
        s.pop("image_sha256")
    d["photo_hashes"] = [h for h in d["photo_hashes"] if h not in sig_hashes]
    return d


def field_value(w: QWidget) -> str:
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QCheckBox):
        return str(w.isChecked())
    if isinstance(w, (QLineEdit, QPlainTextEdit)):
        return w.text() if isinstance(w, QLineEdit) else w.toPlainText()
    return ""
