"""The settings as the UI sees them: one SettingsModel that pages and the
dialog (settings_dialog.py) share, saved off the GUI thread to the settings
file (app/settings_file.py), plus the translated choice lists."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app import settings_file as store
from app.settings_file import Settings
from app.ui.i18n import LANGUAGE_NAMES, tr


def label_size_choices() -> list[tuple[str, str]]:
    return [("100x70", tr("100×70 毫米标签")), ("70x50", tr("70×50 毫米标签")),
            ("a4", tr("A4 标签纸"))]


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


def printer_names() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo
    return list(QPrinterInfo.availablePrinterNames())


class SettingsModel(QObject):
    """`changed(Settings)` after every update; `saved(path)` once on disk."""
    changed = Signal(object)
    saved = Signal(str)

    def __init__(self, current: Settings | None = None, path: Path | None = None,
                 data_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.settings = current if current is not None else store.load(path)
        self.data_dir = data_dir or store.data_dir()
        self.started_language = self.settings.language

    def update(self, **changes) -> Settings:
        self.settings = self.settings._replace(**changes).validated()
        self.changed.emit(self.settings)
        from app.ui.ops import BgOp  # deferred: start-up time
        BgOp(store.save, self.settings, self.path).success(lambda p: self.saved.emit(str(p))).run_in_background()
        return self.settings

    def restart_needed(self) -> bool:
        """The language applies from the next start."""
        return self.settings.language != self.started_language
