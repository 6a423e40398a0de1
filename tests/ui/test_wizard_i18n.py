"""The English wizard shows no Chinese outside the data a sampler entered
(tests/ui/test_i18n.py checks every tr() text has its English entry); the
labels of stored values translate while the stored value stays Chinese."""
from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

from app.services import visits
from app.services import choices
from app.ui import i18n
from app.ui.wizard import labels
from tests.ui.wizard_driver import open_wizard

HAN = re.compile(r"[\u4e00-\u9fff]")


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


def test_choice_labels_are_the_stored_values_in_chinese_and_translated_in_english():
    lists = (labels.payment_methods, labels.sampling_places, labels.shipping_methods)
    for make in lists:
        assert all(value == text for value, text in make())      # zh: what is shown is stored
    assert [v for v, _ in labels.payment_methods()] == list(choices.PAYMENT_METHODS.values())
    i18n.set_language("en")
    assert dict(labels.payment_methods())["现金"] == "Cash"
    for make in lists + (labels.refusal_situations, labels.problem_types, labels.amendable_fields):
        assert not any(HAN.search(text) for _v, text in make())
