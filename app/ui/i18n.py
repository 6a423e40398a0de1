"""UI text: a small gettext-like catalog.

Source strings are the Simplified Chinese text itself (the default language,
so Chinese is complete by construction); resources/i18n/en.json maps each one
to English. Write every UI string as a literal `tr("中文", name=...)` so the
test in tests/ui/test_i18n.py can find it and require its English entry.

The language is chosen at start-up from the settings (a change takes effect
on restart: rebuilding a half-filled wizard in place would risk input).
Qt's own dialogs (file dialogs, message box buttons) use Qt's qtbase .qm.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

def _log():
    import logging  # deferred: a few ms of start-up; only needed when something goes wrong
    return logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}  # each in its own language

_language = DEFAULT_LANGUAGE


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[2]
    return root / "resources"


def catalog_path(lang: str) -> Path:
    return resources_dir() / "i18n" / f"{lang}.json"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    if lang == DEFAULT_LANGUAGE:
        return {}
    try:
        return json.loads(catalog_path(lang).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        _log().error("translation catalog for %s unusable: %s", lang, e)
        return {}


def set_language(lang: str) -> None:
    global _language
    _language = lang if lang in LANGUAGE_NAMES else DEFAULT_LANGUAGE


def language() -> str:
    return _language


def is_english() -> bool:
    return _language.startswith("en")


def tr(text: str, **params: object) -> str:
    """The UI string `text` (Chinese source) in the current language;
    `{name}` placeholders are filled from params after translation."""
    out = catalog(_language).get(text, text) if _language != DEFAULT_LANGUAGE else text
    return out.format(**params) if params else out


def install_qt_translations(app) -> None:
    """Load Qt's own translations (standard buttons, file dialogs)."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    qt_lang = "zh_CN" if _language == "zh_CN" else "en"
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{qt_lang}", path):
        app.installTranslator(translator)
    else:
        _log().info("no Qt translation qtbase_%s in %s", qt_lang, path)
