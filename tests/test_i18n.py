"""One catalogue for every text a person reads (app.domain.i18n): every
tr()/N_()/both()/bilingual() literal in app/, sync/ and forms/ has its
English in resources/i18n/en.json, en.json holds nothing no code uses, the
placeholders match, and a Chinese literal anywhere else fails unless it is
one of the exempt kinds below, so nothing escapes translation."""
from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

from app.domain import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "sync", "forms")
CATALOGUE_CALLS = {"tr", "N_", "both", "bilingual"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# names in their own language on purpose (the language chooser)
SELF_NAMED = {"简体中文"}
# Chinese that is not interface text, by file. A single literal elsewhere is
# exempted by a comment "# i18n: <reason>" on its line.
EXEMPT = {
    "forms/": "the official documents print in Chinese only (the notice's forms)",
    "forms/demo.py": "a demo visit's data",
    "sync/server/demo/": "demo accounts, parties and tasks (data)",
    "/migrations/": "migrations are history and never change",
    "app/domain/parse.py": "words a sampler may type for yes/no and amounts",
}
NOT_EXEMPT = ("forms/cli_",)  # command-line output is interface text


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _exempt_file(rel: str) -> bool:
    if rel.startswith(NOT_EXEMPT):
        return False
    return any(rel.startswith(k) or (k.startswith("/") and k in "/" + rel) for k in EXEMPT)


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _catalogue_literals(tree: ast.AST) -> list[ast.Constant]:
    """First arguments of catalogue calls that are string literals (an
    implicitly joined literal is one Constant)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in CATALOGUE_CALLS and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append(arg)
    return out


# Web console templates call the same tr() (a Jinja global): tr("中文", ...).
TEMPLATE_SUFFIXES = {".html", ".jinja", ".j2"}
TEMPLATE_CALL = re.compile(r"""\b(?:tr|N_)\(\s*(?P<q>["'])(?P<text>.*?)(?<!\\)(?P=q)""", re.S)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def _templates() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*") if p.suffix in TEMPLATE_SUFFIXES)


def catalogue_strings() -> dict[str, str]:
    """literal -> 'file:line' of every catalogue call in the tree."""
    found: dict[str, str] = {}
    for path in _sources():
        for c in _catalogue_literals(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(c.value, f"{_rel(path)}:{c.lineno}")
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for m in TEMPLATE_CALL.finditer(text):
            found.setdefault(m.group("text"), f"{_rel(path)}:{text.count(chr(10), 0, m.start()) + 1}")
    return found


def _english() -> dict[str, str]:
    return json.loads(i18n.catalog_path("en").read_text(encoding="utf-8"))


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_string_has_english():
    en = _english()
    strings = catalogue_strings()
    assert len(strings) > 300
    missing = {s: w for s, w in strings.items() if not en.get(s, "").strip()}
    assert not missing, "add to resources/i18n/en.json:\n" + "\n".join(f"{w}: {s}" for s, w in missing.items())
    stale = sorted(set(en) - set(strings))
    assert not stale, f"no longer used, remove from en.json: {stale}"


def test_placeholders_match():
    wrong = {zh: e for zh, e in _english().items() if _fields(zh) != _fields(e)}
    assert not wrong


def test_english_has_no_chinese_left():
    """A half-translated entry shows Chinese to an English reader; Chinese
    proper names quoted on purpose are the only exception."""
    allowed = re.compile(r"生产/流通/加油站")
    half = {zh: e for zh, e in _english().items() if CJK.search(allowed.sub("", e))}
    assert not half


def test_no_chinese_outside_the_catalogue():
    """A Chinese literal not passed to a catalogue call would never be
    translated: it fails unless its file or its line says why it is not
    interface text."""
    offenders = []
    for path in _sources():
        rel = _rel(path)
        if _exempt_file(rel):
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        ok = {id(c) for c in _catalogue_literals(tree)}
        # "# i18n: <reason>" on a simple statement's first line covers all of it
        ok |= {id(c) for n in ast.walk(tree) if isinstance(n, ast.stmt) and not hasattr(n, "body")
               and "# i18n:" in lines[n.lineno - 1] for c in ast.walk(n)}
        ok |= {id(n.body[0].value) for n in ast.walk(tree)
               if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
               and isinstance(n.body[0], ast.Expr)}
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)):
                continue
            span = lines[n.lineno - 1:(n.end_lineno or n.lineno)]
            if id(n) in ok or n.value in SELF_NAMED or any("# i18n:" in ln for ln in span):
                continue
            offenders.append(f"{rel}:{n.lineno}: {n.value}")
    assert not offenders, "\n".join(offenders)


def test_no_chinese_outside_tr_in_templates():
    offenders = []
    for path in _templates():
        rest = TEMPLATE_CALL.sub("", TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8")))
        offenders += [f"{_rel(path)}: {line.strip()}" for line in rest.splitlines() if CJK.search(line)]
    assert not offenders, "\n".join(offenders)


def test_switching_language_changes_text():
    try:
        i18n.set_language("en")
        assert i18n.tr("已拍摄 {n} 张", n=3) == "3 taken"
        assert i18n.tr("已拍摄 {n} 张", "zh_CN", n=3) == "已拍摄 3 张"
        i18n.set_language("zh_CN")
        assert i18n.tr("已拍摄 {n} 张", n=3) == "已拍摄 3 张"
        assert i18n.both("缺少地址") == ("缺少地址", "Address is missing")
        i18n.set_language("xx")  # unknown: back to the default, never a crash
        assert i18n.language() == "zh_CN"
    finally:
        i18n.set_language("zh_CN")
