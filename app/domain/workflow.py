"""The visit as a plain state machine (no Qt): a map of steps to their
"what is missing" check and their next step, plus a back stack.

The Qt wizard only shows the page for `flow.step` and copies widget values
into the visit; tests walk the same machine without Qt.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable

from app.domain import rules
from app.domain.i18n import N_, tr
from app.domain.messages import Problem, RuleViolation
from app.domain.plan import PlanItem, SamplingRule
from app.domain.visit import Visit, VisitStatus


class Step(str, enum.Enum):
    ARRIVE = "arrive"          # 1 team + shown documents
    PARTY = "party"            # 2 check the party, plan scope and batch limits
    EVIDENCE = "evidence"      # 3 site, storage, label, stock photos
    SAMPLE = "sample"          # 4 sample details, price, sampling photos
    PAY = "pay"                # 5 payment slip; backup free
    SEAL = "seal"              # 6 seals, sealed photos, on-site storage
    SIGN = "sign"              # 7 signatures or refusal to sign
    DOCUMENTS = "documents"    # 8 print / export what is left behind
    REFUSAL = "refusal"        # exit: 拒检认定表
    PROBLEM = "problem"        # exit: 问题报送单
    NO_SAMPLE = "no_sample"    # exit: 未抽到样品企业情况说明

    @property
    def number(self) -> int:
        return ORDER.index(self) + 1 if self in ORDER else 0


ORDER = [Step.ARRIVE, Step.PARTY, Step.EVIDENCE, Step.SAMPLE, Step.PAY,
         Step.SEAL, Step.SIGN, Step.DOCUMENTS]
EXITS = {Step.REFUSAL: VisitStatus.REFUSED, Step.PROBLEM: VisitStatus.PROBLEM_REPORTED,
         Step.NO_SAMPLE: VisitStatus.NO_SAMPLE}

STEP_TITLES = {
    Step.ARRIVE: N_("到达现场：抽样人员与出示文件"),
    Step.PARTY: N_("核对受检单位"),
    Step.EVIDENCE: N_("现场取证拍照"),
    Step.SAMPLE: N_("样品信息"),
    Step.PAY: N_("付费购样"),
    Step.SEAL: N_("封样"),
    Step.SIGN: N_("签字确认"),
    Step.DOCUMENTS: N_("打印/留存文书"),
    Step.REFUSAL: N_("拒检认定"),
    Step.PROBLEM: N_("问题报送"),
    Step.NO_SAMPLE: N_("未抽到样品"),
}


def step_title(step: Step, lang: str | None = None) -> str:
    """The step's title in `lang` (default: the current language)."""
    return tr(STEP_TITLES[step], lang)


@dataclass
class VisitContext:
    """What the rules need beyond the visit itself; the services fill it in
    from the store."""
    plan_item: PlanItem | None = None
    rule: SamplingRule | None = None
    products_already_sampled_at_party: list[str] = field(default_factory=list)
    batches_taken_for_item: int = 0
    lang: str = "zh_CN"      # the caller's UI language; Problem.text renders any language


Check = Callable[[Visit, VisitContext], list[Problem]]


def _arrive(v: Visit, c: VisitContext) -> list[Problem]:
    return rules.at_least_two_samplers(v) + rules.documents_shown(v)


def _party(v: Visit, c: VisitContext) -> list[Problem]:
    problems = rules.party_complete(v)
    if c.plan_item is not None:
        problems += rules.scope_allowed(c.plan_item, v.party.scope)
        problems += rules.plan_quota(c.plan_item, c.batches_taken_for_item)
        problems += rules.batch_limits(c.plan_item.product, c.products_already_sampled_at_party)
    return problems


def _evidence(v: Visit, c: VisitContext) -> list[Problem]:
    return rules.required_evidence(v, rules.evidence_step_categories(c.rule))


def _sample(v: Visit, c: VisitContext) -> list[Problem]:
    return (rules.sample_complete(v, c.rule)
            + rules.required_evidence(v, rules.EVIDENCE_AT_SAMPLE_STEP))


def _pay(v: Visit, c: VisitContext) -> list[Problem]:
    return rules.test_sample_paid(v) + rules.backup_sample_free(v) + rules.no_fee_charged(v)


def _seal(v: Visit, c: VisitContext) -> list[Problem]:
    return (rules.sealed_separately(v, c.rule) + rules.backup_storage_approved(v)
            + rules.required_evidence(v, rules.EVIDENCE_AT_SEAL_STEP))


def _sign(v: Visit, c: VisitContext) -> list[Problem]:
    return rules.signatures_complete(v)


def _documents(v: Visit, c: VisitContext) -> list[Problem]:
    # Everything before must still hold when the record is frozen.
    problems: list[Problem] = []
    for step in ORDER[:-1]:
        problems += NAVMAP[step].missing(v, c)
    return problems


@dataclass(frozen=True)
class StepSpec:
    missing: Check
    next: Step | None          # None: the last step; accepting it ends the visit


NAVMAP: dict[Step, StepSpec] = {
    Step.ARRIVE: StepSpec(_arrive, Step.PARTY),
    Step.PARTY: StepSpec(_party, Step.EVIDENCE),
    Step.EVIDENCE: StepSpec(_evidence, Step.SAMPLE),
    Step.SAMPLE: StepSpec(_sample, Step.PAY),
    Step.PAY: StepSpec(_pay, Step.SEAL),
    Step.SEAL: StepSpec(_seal, Step.SIGN),
    Step.SIGN: StepSpec(_sign, Step.DOCUMENTS),
    Step.DOCUMENTS: StepSpec(_documents, None),
    Step.REFUSAL: StepSpec(lambda v, c: rules.refusal_complete(v), None),
    Step.PROBLEM: StepSpec(lambda v, c: rules.problem_report_complete(v), None),
    Step.NO_SAMPLE: StepSpec(lambda v, c: rules.no_sample_complete(v), None),
}


class VisitFlow:
    """Navigation over one visit. Mutates only visit.step and visit.back_stack
    (and visit.status via `accept`); everything else is the services' job."""

    def __init__(self, visit: Visit, ctx: VisitContext | None = None):
        self.visit = visit
        self.ctx = ctx or VisitContext()

    @property
    def step(self) -> Step:
        return Step(self.visit.step)

    def missing(self, step: Step | None = None) -> list[Problem]:
        """What is still missing before `step` (default: the current one) can be completed."""
        return NAVMAP[step or self.step].missing(self.visit, self.ctx)

    def is_last(self) -> bool:
        return NAVMAP[self.step].next is None

    def _require_open(self) -> None:
        if self.visit.frozen:
            raise RuleViolation([Problem("visit.not_in_progress")])

    def advance(self) -> Step:
        """Complete the current step and move to the next; raises RuleViolation
        with every missing item if the step is not complete."""
        self._require_open()
        spec = NAVMAP[self.step]
        problems = spec.missing(self.visit, self.ctx)
        if problems:
            raise RuleViolation(problems)
        if spec.next is None:
            raise ValueError("last step: use accept()")
        self.visit.back_stack.append(self.step.value)
        if self.step.value not in self.visit.passed:
            self.visit.passed.append(self.step.value)
        self.visit.step = spec.next.value
        return spec.next

    def go_to(self, target: Step) -> Step:
        """Open `target` by the same rules as 上一步 / 下一步: back through
        the back stack to a step visited earlier, or forward through every
        step in between, each of which must be complete. Stops at the first
        incomplete one (returned; what it misses is `missing()`)."""
        self._require_open()
        if target == self.step:
            return target
        if target.value in self.visit.back_stack:
            while self.step != target:
                self.back()
            return target
        if target in ORDER and self.step in ORDER and ORDER.index(target) > ORDER.index(self.step):
            while self.step != target and not self.missing():
                self.advance()
            return self.step
        raise RuleViolation([Problem("visit.step_not_reached", "step", {"step": target.value})])

    def reachable(self) -> set[Step]:
        """Steps the step list may open now: those the back stack holds and
        the later ones completed before (go_to decides how far it gets)."""
        if self.visit.frozen:
            return set()
        out = {Step(s) for s in self.visit.back_stack}
        if self.step in ORDER:
            here = ORDER.index(self.step)
            # as far as the sampler had come: the steps completed and the one after them
            furthest = max((ORDER.index(Step(s)) for s in self.visit.passed if Step(s) in ORDER), default=-1) + 1
            out |= set(ORDER[here + 1:furthest + 1])
        return out

    def back(self) -> Step:
        self._require_open()
        if self.visit.back_stack:
            self.visit.step = self.visit.back_stack.pop()
        return self.step

    def can_go_back(self) -> bool:
        return bool(self.visit.back_stack) and not self.visit.frozen

    def exit_to(self, step: Step) -> Step:
        """Open the refusal form, the problem report or the no-sample
        statement from any step."""
        self._require_open()
        if step not in EXITS:
            raise ValueError(f"{step} is not an exit")
        if self.step != step:
            self.visit.back_stack.append(self.step.value)
            self.visit.step = step.value
        return step

    def accept(self) -> VisitStatus:
        """Complete the last step of the current path; returns the end status.
        The caller (services) freezes and hashes the record."""
        self._require_open()
        if not self.is_last():
            raise ValueError("not the last step")
        problems = self.missing()
        if problems:
            raise RuleViolation(problems)
        return EXITS.get(self.step, VisitStatus.FINISHED)

    def progress(self) -> list[tuple[Step, bool]]:
        """Each main step with whether it is done (for a sidebar): completed
        with Next at some time (records from before `passed` existed: on the
        back stack) and still complete now. A step never visited is not
        done, however valid its data happens to be."""
        went = set(self.visit.passed) | set(self.visit.back_stack)
        if self.visit.status == VisitStatus.FINISHED:
            went |= {s.value for s in ORDER}
        return [(s, s.value in went and not NAVMAP[s].missing(self.visit, self.ctx)) for s in ORDER]
