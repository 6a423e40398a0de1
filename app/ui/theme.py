"""A clean, touch-friendly look: big hit targets (samplers use touch screens
and gloves), a CJK-capable font, and one place for status colours."""
from __future__ import annotations

from typing import TYPE_CHECKING

# Only what apply_theme needs: this module is read before the main window is
# shown, and each PySide6 class costs ~0.5-1 ms the first time it is named.
from PySide6.QtGui import QColor, QFont, QPalette

from app.ui.i18n import resources_dir

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

FONT_FAMILIES = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei",
                 "Source Han Sans SC", "sans-serif"]
FONT_POINT_SIZE = 11
MIN_TARGET = 40  # px: minimum height of anything you tap

STATUS_COLORS = {
    "overdue": "#c62828",    # red: entry deadline past
    "due_soon": "#ef6c00",   # orange: deadline within the day
    "ok": "#2e7d32",         # green: synced / done
    "online": "#2e7d32",
    "offline": "#9e9e9e",
    "in_progress": "#1565c0",
    "missing": "#c62828",    # a required item the wizard still needs
}

ACCENT = "#1565c0"

STYLESHEET = f"""
QWidget {{ font-size: {FONT_POINT_SIZE}pt; }}
QPushButton, QToolButton {{
    min-height: {MIN_TARGET}px; padding: 4px 14px; border-radius: 6px;
    border: 1px solid #b0bec5; background: #f5f7f9;
}}
QPushButton:hover, QToolButton:hover {{ background: #e3eaf0; }}
QPushButton:pressed, QToolButton:pressed {{ background: #cfd8dc; }}
QToolButton:checked {{ background: #dbe8f6; border: 2px solid {ACCENT}; font-weight: bold; }}
QPushButton:disabled, QToolButton:disabled {{ color: #9e9e9e; background: #eeeeee; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton[primary="true"]:disabled {{ background: #90a4ae; border-color: #90a4ae; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit {{
    min-height: {MIN_TARGET}px; padding: 0 8px; border: 1px solid #b0bec5; border-radius: 4px;
    background: white;
}}
QComboBox::drop-down {{ width: 32px; border: none; }}
QSpinBox {{ padding-right: 72px; }}
QSpinBox::up-button, QSpinBox::down-button {{ subcontrol-origin: border; width: 34px;
    border-left: 1px solid #b0bec5; background: #f5f7f9; }}
QSpinBox::up-button {{ subcontrol-position: center right; height: {MIN_TARGET - 2}px; }}
QSpinBox::down-button {{ subcontrol-position: center right; height: {MIN_TARGET - 2}px; right: 35px; }}
QSpinBox::up-button:pressed, QSpinBox::down-button:pressed {{ background: #cfd8dc; }}
QSpinBox::up-arrow {{ image: url("{{ICONS}}/chevron-up.svg"); width: 16px; height: 16px; }}
QSpinBox::down-arrow {{ image: url("{{ICONS}}/chevron-down.svg"); width: 16px; height: 16px; }}
QComboBox::down-arrow {{ image: url("{{ICONS}}/chevron-down.svg"); width: 16px; height: 16px; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit:read-only {{ background: #f0f0f0; color: #455a64; }}
QPlainTextEdit, QTextEdit {{ border: 1px solid #b0bec5; border-radius: 4px; background: white; }}
QCheckBox, QRadioButton {{ min-height: {MIN_TARGET}px; spacing: 10px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 24px; height: 24px; }}
QGroupBox {{ font-weight: bold; border: 1px solid #cfd8dc; border-radius: 6px;
             margin-top: 14px; padding-top: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QGroupBox[missing="true"] {{ border: 2px solid {STATUS_COLORS["missing"]}; }}
QToolBar {{ spacing: 6px; padding: 4px; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QStatusBar QLabel#connectivity_dot {{ color: {STATUS_COLORS["offline"]}; font-size: 16pt; padding: 0 0 0 8px; }}
QStatusBar QLabel#connectivity_word {{ padding: 0 8px 0 4px; }}
QLabel#placeholder {{ color: #90a4ae; font-size: 14pt; border: 2px dashed #cfd8dc; margin: 24px;
                      qproperty-alignment: AlignCenter; }}
QScrollBar:vertical {{ width: 16px; }}
QScrollBar:horizontal {{ height: 16px; }}
"""


def form_layout(parent=None):
    """A TouchForm (app.ui.touch_form): imported on first use, not with the
    theme, which is read before the main window is shown."""
    from app.ui.touch_form import TouchForm
    return TouchForm(parent) if parent is not None else TouchForm()


def stylesheet() -> str:
    return STYLESHEET.replace("{ICONS}", (resources_dir() / "icons").as_posix())


def status_color(name: str) -> QColor:
    return QColor(STATUS_COLORS.get(name, "#000000"))


def ui_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(FONT_POINT_SIZE)
    return font


def available_cjk_family() -> str | None:
    """The first family of our list installed here (None: CJK may show boxes)."""
    from PySide6.QtGui import QFontDatabase
    installed = set(QFontDatabase.families())
    return next((f for f in FONT_FAMILIES if f in installed), None)


def apply_theme(app: QApplication, *, fusion: bool = True) -> None:
    """fusion=False: the application was made with `-style Fusion` already
    (create_app), so no QStyle is touched from Python: the first one seen
    there builds all of QStyle's enums, ~7 ms of the cold start."""
    if fusion:
        app.setStyle("Fusion")  # same look on Windows and Linux, honours the sheet
    app.setFont(ui_font())
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())
