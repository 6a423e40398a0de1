"""UI text: the one catalogue of app.domain.i18n (read its docstring to add
a string), plus what only Qt needs: Qt's own dialog translations and the
resources folder for icons.

The language is chosen at start-up from the settings (a change takes effect
on restart: rebuilding a half-filled wizard in place would risk input).
Qt's own dialogs (file dialogs, message box buttons) use Qt's qtbase .qm.
"""
from __future__ import annotations

from pathlib import Path

from app.domain import resources
from app.domain.i18n import (DEFAULT_LANGUAGE, LANGUAGE_NAMES, N_, catalog, catalog_path,  # noqa: F401
                             is_english, language, set_language, tr)


def _log():
    import logging  # deferred: a few ms of start-up; only needed when something goes wrong
    return logging.getLogger(__name__)


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    return resources.find("i18n/en.json") or resources.candidates()[0]


def install_qt_translations(app) -> None:
    """Load Qt's own translations (standard buttons, file dialogs)."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    qt_lang = "zh_CN" if language() == "zh_CN" else "en"
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{qt_lang}", path):
        app.installTranslator(translator)
    else:
        _log().info("no Qt translation qtbase_%s in %s", qt_lang, path)
