"""The field changes of each visit step. Each call is one autosaved
transaction; values may be text as typed (parsed with clear messages) and a
bad value changes nothing."""
from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from app.domain import product_fields, rules
from app.domain.credit_code import normalize
from app.domain.messages import Problem, RuleViolation
from app.domain.parse import apply_changes, parse_decimal
from app.domain.record import sealing_hash
from app.domain.visit import (EvidenceCategory, NoSampleRecord, ProblemReport, RefusalRecord, SampleKind,
                              Seal, SignerRole, TeamMember, Visit)
from app.services.choices import PAYMENT_METHODS
from app.services.visits import context_for, editing, mutate
from app.services.workspace import Workspace

CASH = PAYMENT_METHODS["cash"]


def confirm_team(ws: Workspace, visit_id: str, members: list[TeamMember]) -> Visit:
    """Who is actually present, each with an ID / certificate number. Only
    presence and certificate numbers change here, matched by sampler id:
    joining and leaving go through add/remove_sampler_on_site, so a stale
    list cannot undo an addition or bring back a removed person."""
    given = {m.sampler_id: m for m in members}

    def change(v: Visit) -> None:
        for m in v.team:
            if m.sampler_id in given:
                m.present = given[m.sampler_id].present
                m.certificate_no = given[m.sampler_id].certificate_no.strip()
    return mutate(ws, visit_id, change)


def add_sampler_on_site(ws: Workspace, visit_id: str, *, name: str, certificate_no: str) -> Visit:
    """A sampler not on the task's team joins on site (a replacement for
    someone ill, a colleague of the agency); present, marked added on site."""
    def change(v: Visit) -> None:
        problems = rules.sampler_addable(v, name, certificate_no)
        if problems:
            raise RuleViolation(problems)
        v.team.append(TeamMember(f"onsite-{uuid.uuid4()}", name.strip(), certificate_no.strip(),
                                 present=True, added_on_site=True))
    return mutate(ws, visit_id, change)


def remove_sampler_on_site(ws: Workspace, visit_id: str, sampler_id: str) -> Visit:
    """Take back an on-site addition before signing (with any signature that
    person gave). The task's own team members are marked absent instead."""
    def change(v: Visit) -> None:
        member = next((m for m in v.team if m.sampler_id == sampler_id), None)
        if member is None:
            return                  # already removed (a double tap)
        if not member.added_on_site:
            raise RuleViolation([Problem("team.not_added_on_site", "team", {"name": member.name})])
        v.team.remove(member)
        v.signatures = [s for s in v.signatures
                        if not (s.role == SignerRole.SAMPLER and s.signer_ref == sampler_id)]
    return mutate(ws, visit_id, change)


def record_shown_documents(ws: Workspace, visit_id: str, **shown: bool) -> Visit:
    return mutate(ws, visit_id, lambda v: apply_changes(v.shown, shown, "shown"))


def record_party(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    if "credit_code" in changes and changes["credit_code"]:
        changes["credit_code"] = normalize(str(changes["credit_code"]))
    return mutate(ws, visit_id, lambda v: apply_changes(v.party, changes, "party"))


def record_producer(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    return mutate(ws, visit_id, lambda v: apply_changes(v.producer, changes, "producer"))


def record_sample(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    return mutate(ws, visit_id, lambda v: apply_changes(v.sample, changes, "sample"))


def record_product_fields(ws: Workspace, visit_id: str, **values: Any) -> Visit:
    """The product-specific fields of the sample (牌号, 含绒量, 型号…) as its
    sampling rule defines them: each value checked against the product (a
    diesel sample cannot take a petrol grade); an empty value clears it."""
    def change(v: Visit) -> None:
        rule = ws.rule_for(v.sample.product)
        if rule is None:
            raise RuleViolation([Problem("product_field.unknown", product_fields.path(k),
                                         {"product": v.sample.product or "—", "name": k}) for k in values])
        for key, text in product_fields.parse_values(rule, values).items():
            if text:
                v.sample.product_fields[key] = text
            else:
                v.sample.product_fields.pop(key, None)
    return mutate(ws, visit_id, change)


def record_invoice(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    """发票号 and 开票单位, when the party gives an invoice for the test sample."""
    bad = set(changes) - {"invoice_no", "invoice_issuer"}
    if bad:
        raise RuleViolation([Problem("value.unknown_field", f"payment.{k}", {"name": k}) for k in sorted(bad)])
    return mutate(ws, visit_id, lambda v: apply_changes(v.payment, changes, "payment"))


def record_remarks(ws: Workspace, visit_id: str, remarks: str) -> Visit:
    return mutate(ws, visit_id, lambda v: setattr(v, "remarks", remarks.strip()))


def pay(ws: Workspace, visit_id: str, *, quantity: Any = None, unit_price: Any = None,
        method: str = CASH, backup_free: bool = True) -> Visit:
    """The payment slip: the test sample is bought at the recorded unit price
    (quantity defaults to the test quantity); the backup is free."""
    def change(v: Visit) -> None:
        qty = parse_decimal(quantity, "payment.quantity") if quantity not in (None, "") else v.sample.test_quantity
        price = parse_decimal(unit_price, "payment.unit_price") if unit_price not in (None, "") else v.sample.unit_price
        problems = rules.test_sample_price(v) if unit_price in (None, "") else []
        if qty is None or qty <= 0:
            problems.append(Problem("sample.test_quantity", "payment.quantity",
                                    {"required": ">0", "unit": v.sample.unit}))
        if problems:
            raise RuleViolation(problems)
        v.payment.quantity, v.payment.unit_price = qty, price
        v.payment.amount = rules.expected_amount(qty, price)
        v.payment.method = method.strip() or CASH
        v.payment.paid = True
        v.payment.backup_free = backup_free
        v.payment.fee_charged_to_party = Decimal("0")
    return mutate(ws, visit_id, change)


def set_backup_storage(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    return mutate(ws, visit_id, lambda v: apply_changes(v.backup_storage, changes, "backup_storage"))


def seal_samples(ws: Workspace, visit_id: str, *, test_packages: int | None = None,
                 backup_packages: int | None = None) -> Visit:
    """Seal the test and backup samples separately, at one time: one seal per
    package (J1..Jn, B1..Bn: as many packages as the samples were put in,
    at least what the product's sampling rule says), plus 封存标识 when the
    backup stays at the party. Calling again before signing re-issues the seals."""
    with editing(ws, visit_id) as (s, v):
        problems = rules.sample_complete(v, context_for(ws, s, v).rule)
        if problems:
            raise RuleViolation(problems)
        rule = ws.rule_for(v.sample.product)
        n_test = test_packages or (rule.packages_test if rule else 1)
        n_backup = backup_packages or (rule.packages_backup if rule else 1)
        for kind, n, least in ((SampleKind.TEST, n_test, rule.packages_test if rule else 1),
                               (SampleKind.BACKUP, n_backup, rule.packages_backup if rule else 1)):
            if not least <= n <= MAX_PACKAGES:
                raise RuleViolation([Problem("seal.package_count", "seals", {
                    "kind": kind.value, "required": least, "count": n})])
        now = ws.now()
        seals = [Seal(str(uuid.uuid4()), f"{v.record_no}-J{i}", SampleKind.TEST, i, now) for i in range(1, n_test + 1)]
        seals += [Seal(str(uuid.uuid4()), f"{v.record_no}-B{i}", SampleKind.BACKUP, i, now) for i in range(1, n_backup + 1)]
        if v.backup_storage.on_site:
            seals += [Seal(str(uuid.uuid4()), f"{v.record_no}-F{i}", SampleKind.BACKUP, i, now, on_site_storage=True)
                      for i in range(1, n_backup + 1)]
        v.seals = seals
        v.sealing_hash = sealing_hash(v)
    return v


MAX_PACKAGES = 50      # seal labels per sample kind: more is a typing slip


def waive_evidence(ws: Workspace, visit_id: str, category: EvidenceCategory, reason: str) -> Visit:
    """A written reason instead of a photo (e.g. no storage area on a forecourt)."""
    def change(v: Visit) -> None:
        if reason.strip():
            v.evidence_waivers[category.value] = reason.strip()
        else:
            v.evidence_waivers.pop(category.value, None)
    return mutate(ws, visit_id, change)


def record_refusal(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    def change(v: Visit) -> None:
        v.refusal = v.refusal or RefusalRecord(occurred_at=ws.now(), place=v.party.address,
                                               products=v.sample.product)
        apply_changes(v.refusal, changes, "refusal")
    return mutate(ws, visit_id, change)


def record_problem(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    def change(v: Visit) -> None:
        v.problem = v.problem or ProblemReport(reported_at=ws.now(),
                                               reporter="、".join(m.name for m in v.present_team()))  # i18n: on the form
        apply_changes(v.problem, changes, "problem")
    return mutate(ws, visit_id, change)


def record_no_sample(ws: Workspace, visit_id: str, **changes: Any) -> Visit:
    """未抽到样品企业情况说明: the reason and what was found; time, place and
    product default from the visit on the first save."""
    def change(v: Visit) -> None:
        v.no_sample = v.no_sample or NoSampleRecord(occurred_at=ws.now(), place=v.party.address,
                                                    products=v.sample.product)
        apply_changes(v.no_sample, changes, "no_sample")
    return mutate(ws, visit_id, change)
