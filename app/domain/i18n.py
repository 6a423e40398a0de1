"""The one translation path for every text a person reads: the desktop UI,
the problems the rules find, sync errors, the server's API problems and its
web console. Plain Python (no Qt), so the domain, the services, sync and the
server all use it; app/ui/i18n.py only adds Qt's own dialog translations.

Simplified Chinese is the source language and the default, so Chinese is
complete by construction: the Chinese text is the key, and
resources/i18n/en.json maps it to English.

How to add a string
-------------------
1. Write the Chinese as a literal where it is shown:
       tr("已拍摄 {n} 张", n=count)       # in the current UI language
       tr("服务器内部错误", lang="en")      # in a given language (server, API)
       zh, en = both("未找到：{what}", what=x)   # both at once (wire formats)
       bilingual("缺少地址")               # "缺少地址 (Address is missing)": CLI
                                           # output and reports read by either
   A text kept in a table and translated later is marked with N_(), which
   returns it unchanged and only tells the catalogue test it is an entry:
       WORDS = {"done": N_("已完成")}   ...   tr(WORDS[key])
   Placeholders are named ({n}) and filled after translation, so the word
   order may differ between languages. In the web console's Jinja templates
   tr is a global: {{ tr("待抽样") }} (env.globals["tr"] = tr, with the
   page's language passed as lang=).
2. Add  "中文": "English"  to resources/i18n/en.json, same placeholders.
3. Words several screens show exist once; use them, never a second copy:
   scope / evidence category / sample kind / visit and task status words in
   app/domain/labels.py, step titles in app/domain/workflow.py, document
   titles in app/domain/documents.py, rule problems (by code) in
   app/domain/messages.py, sync problems in sync/protocol/messages.py.

tests/test_i18n.py reads app/, sync/ and forms/ (Python and templates) and
fails on a literal without its English, on an English entry no code uses,
on placeholders that differ, and on a Chinese literal outside these calls.
Chinese that is not interface text (the official documents, which print in
Chinese only; recorded values; demo data) is exempt there by file, or by a
"# i18n: <reason>" comment on its line.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from app.domain import resources

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}  # each in its own language

_language = DEFAULT_LANGUAGE


def _log():
    import logging  # deferred: start-up time; only needed when something is wrong
    return logging.getLogger(__name__)


def catalog_path(lang: str) -> Path:
    folder = resources.find(f"i18n/{lang}.json") or resources.candidates()[0]
    return folder / "i18n" / f"{lang}.json"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """Chinese text -> its text in `lang` ({} for Chinese itself)."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    try:
        return json.loads(catalog_path(lang).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        _log().error("translation catalog for %s unusable: %s", lang, e)
        return {}


def normalize(lang: str | None) -> str:
    """A language tag as the catalogue names it: en, en_US, en-GB -> "en";
    None -> the current language; anything else -> Chinese."""
    if lang is None:
        return _language
    return "en" if lang.lower().startswith("en") else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """The language tr() uses when none is given (the desktop app sets it
    once at start-up from its settings; an unknown one means Chinese)."""
    global _language
    _language = lang if lang in LANGUAGE_NAMES else DEFAULT_LANGUAGE


def language() -> str:
    return _language


def is_english(lang: str | None = None) -> bool:
    return normalize(lang) == "en"


def N_(text: str) -> str:
    """Mark `text` as a catalogue entry translated later by tr(); returns it."""
    return text


def tr(text: str, /, lang: str | None = None, **params: object) -> str:
    """`text` (the Chinese source) in `lang` (default: the current language),
    with {name} placeholders filled from params after translation."""
    lang = normalize(lang)
    out = catalog(lang).get(text, text) if lang != DEFAULT_LANGUAGE else text
    return out.format(**params) if params else out


def both(text: str, /, **params: object) -> tuple[str, str]:
    """(Chinese, English) of `text`: for records and wire formats that carry
    both, such as the server's problem texts."""
    return tr(text, DEFAULT_LANGUAGE, **params), tr(text, "en", **params)


def bilingual(text: str, /, **params: object) -> str:
    """"Chinese (English)" in one line, for output with no language setting
    of its own: command-line messages, import reports, logs."""
    zh, en = both(text, **params)
    return zh if zh == en else f"{zh} ({en})"
