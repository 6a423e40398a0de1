"""Choice lists of the wizard: (stored value, label in the current language)
for the codes of app.services.choices and the domain enums. The words
themselves are written once, in app.domain.labels and app.services.choices
(functions: tr() must run after the language is set)."""
from __future__ import annotations

from app.domain import labels
from app.domain.visit import NoSampleReason, ProblemType, RefusalSituation
from app.services import choices
from app.ui.i18n import tr


def _stored(values: dict[str, str]) -> list[tuple[str, str]]:
    """The record stores the Chinese value (printed on the official forms)."""
    return [(value, tr(value)) for value in values.values()]


def payment_methods() -> list[tuple[str, str]]:
    return _stored(choices.PAYMENT_METHODS)


def sampling_places() -> list[tuple[str, str]]:
    return _stored(choices.SAMPLING_PLACES)


def shipping_methods() -> list[tuple[str, str]]:
    return _stored(choices.SHIPPING_METHODS)


def refusal_situations() -> list[tuple[str, str]]:
    return [(s.value, labels.label(labels.REFUSAL_SITUATION, s)) for s in RefusalSituation]


def problem_types() -> list[tuple[str, str]]:
    return [(t.value, labels.label(labels.PROBLEM_TYPE, t)) for t in ProblemType]


def no_sample_reasons() -> list[tuple[str, str]]:
    return [(r.value, labels.label(labels.NO_SAMPLE_REASON, r)) for r in NoSampleReason]


def economic_types() -> list[tuple[str, str]]:
    """经济类型 (the national classification; the record keeps the Chinese name)."""
    return [(value, tr(value)) for value in choices.ECONOMIC_TYPES.values()]


def amendable_fields() -> list[tuple[str, str]]:
    return [(path, tr(text)) for path, text in choices.AMENDABLE.items()]
