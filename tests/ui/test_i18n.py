"""Every UI string has an English translation.

UI strings are literal `tr("中文")` calls in app/ui; any other Chinese
literal in app/ui would escape translation, so it fails too."""
from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

from app.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "app" / "ui"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# names in their own language on purpose (the language chooser)
SELF_NAMED = {"简体中文"}


def _sources():
    return sorted(UI.rglob("*.py"))


def ui_strings() -> dict[str, str]:
    """literal -> 'file:line' of every tr("...") call; non-literal calls fail."""
    found, bad = {}, []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
                arg = node.args[0] if node.args else None
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, where)
                else:
                    bad.append(where)
    assert not bad, f"tr() needs a string literal (for extraction): {bad}"
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_ui_string_has_english():
    en = json.loads(i18n.catalog_path("en").read_text(encoding="utf-8"))
    strings = ui_strings()
    assert len(strings) > 50
    missing = {s: w for s, w in strings.items() if not en.get(s, "").strip()}
    assert not missing, "add to resources/i18n/en.json:\n" + "\n".join(f"{w}: {s}" for s, w in missing.items())
    stale = sorted(set(en) - set(strings))
    assert not stale, f"no longer used, remove from en.json: {stale}"


def test_placeholders_match():
    en = json.loads(i18n.catalog_path("en").read_text(encoding="utf-8"))
    wrong = {zh: e for zh, e in en.items() if _fields(zh) != _fields(e)}
    assert not wrong


def test_no_chinese_outside_tr():
    """A Chinese literal not passed to tr() would never be translated."""
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_tr = {id(n.args[0]) for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "tr" and n.args}
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr)}
        for n in ast.walk(tree):
            if (isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
                    and id(n) not in in_tr and id(n) not in docstrings and n.value not in SELF_NAMED):
                offenders.append(f"{path.relative_to(ROOT)}:{n.lineno}: {n.value}")
    assert not offenders, "\n".join(offenders)


def test_switching_language_changes_text():
    i18n.set_language("en")
    assert i18n.tr("已拍摄 {n} 张", n=3) == "3 taken"
    i18n.set_language("zh_CN")
    assert i18n.tr("已拍摄 {n} 张", n=3) == "已拍摄 3 张"
    i18n.set_language("xx")  # unknown: back to the default, never a crash
    assert i18n.language() == "zh_CN"
