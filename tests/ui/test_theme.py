"""Touch-friendly theme: hit targets of at least 40 px, a CJK font, status colours."""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.theme import FONT_FAMILIES, MIN_TARGET, apply_theme, available_cjk_family, status_color


def test_hit_targets_and_font(qtbot):
    app = QApplication.instance()
    saved = (app.styleSheet(), app.font(), app.style().name())
    apply_theme(app)
    try:
        w = QWidget()
        qtbot.addWidget(w)
        lay = QVBoxLayout(w)
        widgets = [QPushButton("确定"), QLineEdit(), QComboBox(), QCheckBox("拒绝签字")]
        for x in widgets:
            lay.addWidget(x)
        w.show()
        qtbot.waitExposed(w)
        for x in widgets:
            assert x.height() >= MIN_TARGET, type(x).__name__
        assert app.font().families()[:4] == FONT_FAMILIES[:4]
        # Whichever CJK face this machine has (no name assumed): it is one
        # of ours and has glyphs for the words the sampler reads.
        family = available_cjk_family()
        assert family in FONT_FAMILIES
        assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
        assert all(QFontMetrics(QFont(family)).inFontUcs4(ord(ch)) for ch in "抽样单编号受检单位")
    finally:
        app.setStyleSheet(saved[0])
        app.setFont(saved[1])
        app.setStyle(saved[2])


def test_overdue_is_red():
    c = status_color("overdue")
    assert c.red() > 150 and c.green() < 80 and c.blue() < 80
