"""The product-specific fields of the sample step, built from the product's
sampling rule (SamplingRule.fields): the same code renders 牌号 for a fuel,
含绒量 for a down garment, 球镜顶焦度 for spectacles. A choice field offers
only that product's choices; each value autosaves through
steps.record_product_fields, which checks it against the product."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QGroupBox, QWidget

from app.domain.messages import Problem
from app.domain.plan import FieldType, ProductField, SamplingRule
from app.domain.product_fields import NO, YES, path
from app.domain.visit import Visit
from app.services import steps
from app.ui.i18n import is_english, language, tr
from app.ui.wizard.fields import Binder, display, form_group, mark_invalid
from app.ui.wizard.session import VisitSession


class _ProductBinder(Binder):
    """Bindings whose values live in visit.sample.product_fields (a dict)."""

    def load(self, visit: Visit) -> None:
        values = visit.sample.product_fields
        for key, b in self.bindings.items():
            b.widget.blockSignals(True)
            try:
                b.write(values.get(key.rsplit(".", 1)[1], ""))
            finally:
                b.widget.blockSignals(False)
            b.last = b.read()
            mark_invalid(b.widget, "")


class ProductFieldsBox(QWidget):
    """A titled group of the rule's fields, rebuilt when the product changes."""

    def __init__(self, session: VisitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.binder = _ProductBinder(self._save)
        self.rule: SamplingRule | None = None
        self.group: QGroupBox | None = None
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        session.save_failed.connect(self._failed)
        session.save_ok.connect(lambda key: self._mark(key, ""))

    # --- building ------------------------------------------------------------
    def show_rule(self, rule: SamplingRule | None, visit: Visit) -> None:
        if rule != self.rule:
            self.rule = rule
            self._rebuild()
        self.binder.load(visit)
        self.setVisible(bool(rule and rule.fields))

    def _rebuild(self) -> None:
        if self.group is not None:
            self.group.setParent(None)
            self.group.deleteLater()
        self.binder.bindings.clear()
        rows = [(self._label(f), self._widget(f)) for f in (self.rule.fields if self.rule else ())]
        self.group = form_group(tr("{product}专项信息", product=self.rule.product if self.rule else ""), rows)
        self.group.setObjectName("product_fields")
        self._layout.addWidget(self.group, 0, 0)

    @staticmethod
    def _label(f: ProductField) -> str:
        text = f.label_for(language())
        if f.unit:
            text = tr("{label}（{unit}）", label=text, unit=f.unit)
        return text + ("" if f.required else tr("（选填）"))

    def _widget(self, f: ProductField) -> QWidget:
        key = path(f.key)
        hint = f.hint_en if is_english() and f.hint_en else f.hint
        if f.type == FieldType.CHOICE:
            return self.binder.combo(key, [(c, c) for c in f.choices])
        if f.type == FieldType.YES_NO:
            return self.binder.combo(key, [(YES, tr("是")), (NO, tr("否"))])
        if f.type == FieldType.DATE:
            return self.binder.line(key, hint or tr("年-月-日"))   # not a date that looks filled in
        return self.binder.line(key, hint)

    # --- saving and errors ------------------------------------------------------
    def _save(self, key: str, value: Any) -> None:
        self.session.save(key, steps.record_product_fields, **{key.rsplit(".", 1)[1]: display(value)})

    def _failed(self, key: str, error) -> None:
        self._mark(key, "\n".join(error.texts(language())))

    def _mark(self, key: str, message: str) -> None:
        w = self.binder.widget(key)
        if w is not None:
            mark_invalid(w, message)

    def show_missing(self, problems: list[Problem]) -> None:
        texts: dict[str, list[str]] = {}
        for p in problems:
            texts.setdefault(p.field, []).append(p.text(language()))
        for key, b in self.binder.bindings.items():
            mark_invalid(b.widget, "\n".join(texts.get(key, [])))

    def flush(self) -> None:
        self.binder.flush()

    def set_read_only(self, ro: bool) -> None:
        self.binder.set_read_only(ro)

    def choices(self, key: str) -> list[str]:
        """What a choice field offers (stored values), for tests and checks."""
        w = self.binder.widget(path(key))
        return [w.itemData(i) for i in range(w.count())] if w is not None and hasattr(w, "itemData") else []
