"""Bindings between an input widget and one field of the visit: load the
saved value into the widget, and autosave the widget's value through a
service when the user finishes an edit (editingFinished / toggled /
activated). `flush()` saves whatever is still unsaved (before Next)."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QLabel,
                               QLineEdit, QPlainTextEdit, QWidget)

from app.domain.visit import Visit

INVALID_STYLE = "border: 2px solid #c62828;"


def display(value: Any) -> str:
    """A stored value as the text a person would type."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def resolve(visit: Visit, path: str) -> Any:
    obj: Any = visit
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


PAUSE_MS = 700   # a pause in typing saves a long text (the "missing" list then follows it)


class TextArea(QPlainTextEdit):
    """A multi-line edit with editingFinished like QLineEdit: on focus out,
    and when typing pauses (a long text is not lost, and the wizard's list
    of what is missing updates while the sampler writes)."""
    editingFinished = Signal()

    def __init__(self, placeholder: str = "", height: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(height)
        self.setMaximumHeight(height * 2)
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(self.editingFinished.emit)
        self.textChanged.connect(self._pause.start)

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self._pause.stop()
        self.editingFinished.emit()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)


@dataclass
class Binding:
    key: str                              # dotted path in the visit, e.g. "sample.batch_no"
    widget: QWidget
    read: Callable[[], Any]               # the widget's current value
    write: Callable[[Any], None]          # show a stored value
    save: Callable[[Any], None]           # autosave through a service
    last: Any = None                      # what was last loaded or saved

    def load(self, visit: Visit) -> None:
        self.widget.blockSignals(True)
        try:
            self.write(resolve(visit, self.key))
        finally:
            self.widget.blockSignals(False)
        self.last = self.read()

    def commit(self) -> None:
        value = self.read()
        if value != self.last:
            self.last = value
            self.save(value)


class Binder:
    """The bindings of one page. `saver(key, value)` performs the save."""

    def __init__(self, saver: Callable[[str, Any], None]) -> None:
        self.saver = saver
        self.bindings: dict[str, Binding] = {}

    def _add(self, b: Binding) -> Binding:
        self.bindings[b.key] = b
        b.widget.setObjectName(b.key)
        return b

    def line(self, key: str, placeholder: str = "") -> QLineEdit:
        w = QLineEdit()
        w.setPlaceholderText(placeholder)
        b = self._add(Binding(key, w, lambda: w.text().strip(), lambda v: w.setText(display(v)),
                              lambda v: self.saver(key, v)))
        w.editingFinished.connect(b.commit)
        return w

    def text(self, key: str, placeholder: str = "", height: int = 96) -> TextArea:
        w = TextArea(placeholder, height)
        b = self._add(Binding(key, w, lambda: w.text().strip(), lambda v: w.setText(display(v)),
                              lambda v: self.saver(key, v)))
        w.editingFinished.connect(b.commit)
        return w

    def combo(self, key: str, choices: list[tuple[str, str]], editable: bool = False,
              default_first: bool = False) -> QComboBox:
        """choices: (stored value, shown label); editable combos keep typed text.
        default_first: an unset value shows the first choice (the domain's
        default for that field); otherwise it shows nothing chosen."""
        w = QComboBox()
        w.setEditable(editable)
        for value, text in choices:
            w.addItem(text, value)

        def read() -> str:
            if editable:
                i = w.findText(w.currentText())
                return w.itemData(i) if i >= 0 else w.currentText().strip()
            return w.currentData() if w.currentIndex() >= 0 else ""

        def write(v: Any) -> None:
            i = w.findData(display(v))
            if i >= 0:
                w.setCurrentIndex(i)
            elif editable:
                w.setCurrentIndex(-1)
                w.setEditText(display(v))
            else:
                w.setCurrentIndex(0 if default_first and v is None else -1)
        b = self._add(Binding(key, w, read, write, lambda v: self.saver(key, v)))
        w.activated.connect(lambda _i: b.commit())
        if editable:
            w.lineEdit().editingFinished.connect(b.commit)
        return w

    def check(self, key: str, text: str) -> QCheckBox:
        w = QCheckBox(text)
        b = self._add(Binding(key, w, w.isChecked, lambda v: w.setChecked(bool(v)),
                              lambda v: self.saver(key, v)))
        w.toggled.connect(lambda _c: b.commit())
        return w

    # --- page-wide -------------------------------------------------------
    def load(self, visit: Visit) -> None:
        for b in self.bindings.values():
            b.load(visit)
            mark_invalid(b.widget, "")

    def flush(self) -> None:
        for b in self.bindings.values():
            b.commit()

    def set_read_only(self, ro: bool) -> None:
        for b in self.bindings.values():
            w = b.widget
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setReadOnly(ro)
            else:
                w.setEnabled(not ro)

    def widget(self, key: str) -> QWidget | None:
        b = self.bindings.get(key)
        return b.widget if b else None


def mark_invalid(w: QWidget, message: str) -> None:
    """Outline a refused value in red with the reason as its tooltip; the typed
    text stays in the widget (nothing entered is lost)."""
    w.setStyleSheet(INVALID_STYLE if message else "")
    w.setToolTip(message)


def form_group(title: str, rows: list[tuple[str, QWidget]], columns: int = 2) -> QGroupBox:
    """A titled group of label/field pairs, `columns` pairs per row (the
    wizard is used on 1280x800 laptops: two columns keep forms short)."""
    box = QGroupBox(title)
    if columns == 1:
        lay = QFormLayout(box)
        lay.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, w in rows:
            lay.addRow(_label(text, w), w)
        return box
    grid = QGridLayout(box)
    grid.setHorizontalSpacing(12)
    for i, (text, w) in enumerate(rows):
        r, c = divmod(i, columns)
        grid.addWidget(_label(text, w), r, c * 2)
        grid.addWidget(w, r, c * 2 + 1)
        grid.setColumnStretch(c * 2 + 1, 1)
    return box


def _label(text: str, buddy: QWidget) -> QLabel:
    lab = QLabel(text)
    lab.setBuddy(buddy)
    lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return lab
