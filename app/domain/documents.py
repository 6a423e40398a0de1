"""The registry of official documents: one entry says, for each, its kind,
its official (Chinese) title and its short name (both catalogue keys, so
English comes from resources/i18n/en.json), the forms/ module that builds
it, after which outcomes a visit leaves it, its paper and how many copies
are printed at the visit. Everything else reads this table: the services,
the wizard's print pages, the `documents` CLI, the benchmark and the
server's console.

Layers that the domain may not import attach their part with merge(), as
Electrum's wizard attaches each view's GUI class to its Qt-free navmap
(navmap_merge): forms.documents adds the builder, app.ui the print actions.

Adding a document is one entry here (plus its forms/ module with
build(ctx) -> bytes, and its titles in en.json); tests check that every
entry has a builder and that its PDF prints the title.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

from app.domain.i18n import N_
from app.domain.visit import Visit, VisitStatus
from app.domain.workflow import EXITS, Step


class DocumentKind(str, enum.Enum):
    INSPECTION_NOTICE = "inspection_notice"    # 监督抽查通知书
    SAMPLING_FORM = "sampling_form"            # 抽样单
    FEEDBACK_FORM = "feedback_form"            # 工作质量及工作纪律反馈单
    PAYMENT_SLIP = "payment_slip"              # 样品付费单
    SEAL_LABELS = "seal_labels"                # 封条
    STORAGE_NOTICE = "storage_notice"          # 封存和处置告知单
    REFUSAL_FORM = "refusal_form"              # 拒检认定表
    PROBLEM_REPORT = "problem_report"          # 问题报送单
    NO_SAMPLE_STATEMENT = "no_sample_statement"  # 未抽到样品企业情况说明
    IMPROVEMENT_ADVICE = "improvement_advice"  # 产品质量改进建议书 (the lab's, after a failure)
    REJECTION_LETTER = "rejection_letter"      # 样品拒收通知书 (the lab's, refusing an irregular sample)


COMPLETED = frozenset({VisitStatus.FINISHED})
ANY_END = frozenset({VisitStatus.FINISHED, VisitStatus.REFUSED, VisitStatus.PROBLEM_REPORTED,
                     VisitStatus.NO_SAMPLE})


def _always(_v: Visit) -> bool:
    return True


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    title: str                       # the official title printed on it (Chinese)
    name: str                        # the short name lists and buttons show
    leaves: frozenset[VisitStatus]   # outcomes after which the visit leaves it
    needed: Callable[[Visit], bool] = _always   # ... if this visit has what it is about
    ready: Callable[[Visit], bool] = _always    # all it prints is recorded (else blanks)
    paper: str = "A4"                # "A4", or "label": label stock at the size set in settings
    copies: int = 1                  # printed at the visit
    seal_qr: bool = False            # prints signed seal payloads (needs the device key)
    form: str = ""                   # the forms/ module with build(ctx); default: the kind
    parts: Mapping[str, Any] = field(default_factory=dict, compare=False)   # merge() fills it

    @property
    def builder(self) -> str:
        return f"forms.{self.form or self.kind.value}"

    def part(self, name: str) -> Any:
        """What a layer merged onto this entry (e.g. "build")."""
        try:
            return self.parts[name]
        except KeyError:
            raise KeyError(f"document {self.kind.value} has no part {name!r}; merge() it first") from None


# In the order they are handed over.
REGISTRY: dict[DocumentKind, Document] = {d.kind: d for d in (
    # Shown on arrival and left with the party whatever the end (it is the
    # notification itself: a refusal presupposes it was shown).
    Document(DocumentKind.INSPECTION_NOTICE, N_("产品质量监督抽查通知书"), N_("监督抽查通知书"), ANY_END),
    # One for the party, one kept by the agency with the record.
    Document(DocumentKind.SAMPLING_FORM, N_("产品质量监督抽查/复查抽样单"), N_("抽样单"), COMPLETED,
             ready=lambda v: bool(v.seals), copies=2, seal_qr=True),
    # The party fills it in and returns it to the province (also when
    # nothing could be sampled: it rates how the samplers behaved).
    Document(DocumentKind.FEEDBACK_FORM, N_("产品质量监督抽查工作质量及工作纪律反馈单"),
             N_("工作质量及工作纪律反馈单"), COMPLETED | {VisitStatus.NO_SAMPLE}),
    # Both copies (party's and agency's) are on one A4 sheet, cut apart.
    Document(DocumentKind.PAYMENT_SLIP, N_("产品质量监督抽查样品付费单"), N_("样品付费单"), COMPLETED,
             needed=lambda v: v.payment.paid),
    # One label per sealed package (and per on-site storage seal).
    Document(DocumentKind.SEAL_LABELS, N_("封条"), N_("封条"), COMPLETED,
             needed=lambda v: bool(v.seals), paper="label", seal_qr=True),
    # 一式两份 (printed on it): the party and the agency keep one each.
    Document(DocumentKind.STORAGE_NOTICE, N_("产品质量监督抽查样品封存和处置告知单"), N_("封存和处置告知单"),
             COMPLETED, needed=lambda v: v.backup_storage.on_site, ready=lambda v: bool(v.seals), copies=2),
    # Determined jointly with the county bureau: its copy and the agency's.
    Document(DocumentKind.REFUSAL_FORM, N_("产品质量监督抽查拒检认定表"), N_("拒检认定表"),
             frozenset({VisitStatus.REFUSED}), ready=lambda v: v.status == VisitStatus.REFUSED, copies=2),
    # The agency's copy; the report itself goes to the province and the bureaus.
    Document(DocumentKind.PROBLEM_REPORT, N_("产品质量监督抽查样品问题报送单"), N_("问题报送单"),
             frozenset({VisitStatus.PROBLEM_REPORTED}), ready=lambda v: v.status == VisitStatus.PROBLEM_REPORTED),
    # 一式三份 (printed on it): the province, the local bureau, the agency.
    Document(DocumentKind.NO_SAMPLE_STATEMENT, N_("未抽到样品企业情况说明"), N_("未抽到样品企业情况说明"),
             frozenset({VisitStatus.NO_SAMPLE}), ready=lambda v: v.status == VisitStatus.NO_SAMPLE, copies=3),
    # Issued by the lab for a failed product, never at a visit.
    Document(DocumentKind.IMPROVEMENT_ADVICE, N_("产品质量改进建议书"), N_("产品质量改进建议书"), frozenset()),
    # The lab's written refusal of a sample: the agency's copy, the province's, the lab's (一式三份).
    Document(DocumentKind.REJECTION_LETTER, N_("产品质量监督抽查样品拒收通知书"), N_("样品拒收通知书"), frozenset(),
             copies=3),
)}


def merge(registry: Mapping[DocumentKind, Document],
          parts: Mapping[DocumentKind, Mapping[str, Any]]) -> dict[DocumentKind, Document]:
    """The registry with each entry's `parts` extended by a layer's own
    (navmap_merge). A part for a kind the registry lacks is an error, so no
    layer can invent a document of its own."""
    unknown = set(parts) - set(registry)
    if unknown:
        raise ValueError(f"not in the document registry: {sorted(k.value for k in unknown)}")
    return {k: replace(d, parts=MappingProxyType({**d.parts, **parts.get(k, {})})) for k, d in registry.items()}


def outcome(visit: Visit) -> VisitStatus:
    """How the visit ends: its status once frozen; while under way, the end
    of the path it is on (an open refusal or problem exit, else signing)."""
    if visit.frozen:
        return visit.status
    try:
        return EXITS.get(Step(visit.step), VisitStatus.FINISHED)
    except ValueError:
        return VisitStatus.FINISHED


@dataclass(frozen=True)
class DocumentNeed:
    kind: DocumentKind
    ready: bool          # everything it prints is recorded (else it prints with blanks)


def documents_to_leave(visit: Visit, registry: Mapping[DocumentKind, Document] = REGISTRY) -> list[DocumentNeed]:
    """The documents this visit leaves, in handing-over order: decided here
    only, from its outcome and what it recorded."""
    end = outcome(visit)
    return [DocumentNeed(d.kind, d.ready(visit)) for d in registry.values()
            if end in d.leaves and d.needed(visit)]
