"""Every text of the wizard has its English entry, and the English wizard
shows no Chinese outside the data a sampler entered."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

from app.services import visits
from app.ui import i18n
from app.ui.wizard import amend, pay, problem, refusal, sample
from tests.ui.wizard_driver import open_wizard

WIZARD = Path(amend.__file__).parent
HAN = re.compile(r"[\u4e00-\u9fff]")


def literal_texts() -> set[str]:
    out = set()
    for f in WIZARD.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                out.add(node.args[0].value)
    return out


def value_texts() -> set[str]:
    """Stored values shown through tr(value)."""
    return (set(pay.METHODS) | set(refusal.SITUATIONS.values()) | set(problem.TYPES.values())
            | {text for _p, text in amend.AMENDABLE} | {"成品库", "货架", "油罐", "加油机", "随样携带", "快递寄送"})


def test_every_wizard_text_has_an_english_entry():
    en = i18n.catalog("en")
    texts = literal_texts() | value_texts()
    assert len(texts) > 150
    missing = sorted(t for t in texts if not en.get(t))
    assert missing == []
    # placeholders survive translation
    for t in texts:
        assert set(re.findall(r"{(\w+)}", t)) == set(re.findall(r"{(\w+)}", en[t])), t


def test_english_pages_show_no_chinese_except_entered_data(qtbot, seeded, english):
    v = visits.start_visit(seeded, "t-gas-1")
    w = open_wizard(qtbot, seeded, v.id)
    for page in w.pages.values():
        texts = [page.title.text()]
        texts += [x.text() for x in page.findChildren(QLabel) if x.objectName() != "seal_list"]
        texts += [x.text() for x in page.findChildren(QAbstractButton) if not x.objectName().startswith("team.")]
        texts += [x.title() for x in page.findChildren(QGroupBox) if not x.title().startswith(("Party:", "Sampler:"))]
        chinese = [t for t in texts if HAN.search(t)]
        assert chinese == [], (page.step, chinese)
    assert w.next_button.text() == "Next" and w.refusal_button.text() == "Refusal"
