"""The Qt binding must not leak references: PySide6 6.12.0 dropped one
reference to None on every call of a method returning void, so a long
session (or the real-window test) ended in "Fatal Python error:
none_dealloc". pyproject.toml excludes that release; this keeps it out."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QWidget


def test_void_methods_keep_none_alive(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    combo = QComboBox(w)
    combo.addItems(["92#", "95#"])
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2000):
        w.update()
        combo.setCurrentIndex(i % 2)
        combo.hasFocus()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert all(abs(a - b) < 50 for a, b in zip(after, before)), (before, after)
