"""The rules of the notice (晋市监函〔2022〕279号 and SAMR Order 18), each a
named function that returns the problems it finds (empty list = holds)."""
from __future__ import annotations

from decimal import Decimal

from app.domain.credit_code import credit_code_problem
from app.domain.messages import Problem
from app.domain.plan import PlanItem, SamplingRule, Scope
from app.domain.product_fields import product_fields_complete
from app.domain.visit import (EvidenceCategory, PriceBasis, SampleKind, SignerRole,
                              Visit)

MIN_SAMPLERS = 2
MAX_BATCHES_PER_PARTY = 2
MAX_BATCHES_PER_PRODUCT_PER_PARTY = 1

# Evidence the notice requires, and the step at which each is collected.
EVIDENCE_AT_EVIDENCE_STEP = (EvidenceCategory.SITE, EvidenceCategory.STORAGE,
                             EvidenceCategory.LABEL, EvidenceCategory.STOCK)
EVIDENCE_AT_SAMPLE_STEP = (EvidenceCategory.SAMPLING,)
EVIDENCE_AT_SEAL_STEP = (EvidenceCategory.SEALED,)
REQUIRED_EVIDENCE = EVIDENCE_AT_EVIDENCE_STEP + EVIDENCE_AT_SAMPLE_STEP + EVIDENCE_AT_SEAL_STEP
# What a product's sampling rule may add (required_photos), collected at the
# evidence step with the notice's four.
PRODUCT_EVIDENCE = (EvidenceCategory.PUMP, EvidenceCategory.DELIVERY, EvidenceCategory.NAMEPLATE,
                    EvidenceCategory.CERTIFICATE, EvidenceCategory.PRESCRIPTION, EvidenceCategory.CARE_LABEL)
RULE_PHOTO_CATEGORIES = REQUIRED_EVIDENCE + PRODUCT_EVIDENCE


def evidence_step_categories(rule: SamplingRule | None) -> tuple[EvidenceCategory, ...]:
    """The photos of the evidence step: the notice's four, always, then the
    ones the product's rule adds (e.g. the pump of a fuel, the nameplate of
    an appliance), in the rule's order. A rule cannot drop the notice's."""
    extra = [EvidenceCategory(c) for c in (rule.required_photos if rule else ())
             if EvidenceCategory(c) in PRODUCT_EVIDENCE]
    return EVIDENCE_AT_EVIDENCE_STEP + tuple(dict.fromkeys(extra))


def _blank(s: str | None) -> bool:
    return not (s or "").strip()


# --- team and documents -------------------------------------------------

def at_least_two_samplers(visit: Visit) -> list[Problem]:
    present = visit.present_team()
    problems = []
    # One person listed twice is still one sampler: count distinct people.
    people = {certificate_key(m.certificate_no) or m.sampler_id or m.name for m in present}
    if len(people) < MIN_SAMPLERS:
        problems.append(Problem("team.too_few", "team", {"count": len(people)}))
    for m in present:
        if _blank(m.certificate_no):
            problems.append(Problem("team.missing_certificate", "team", {"name": m.name}))
    return problems


def certificate_key(certificate_no: str | None) -> str:
    """One certificate number however it was typed (spaces, letter case)."""
    return "".join((certificate_no or "").split()).casefold()


def sampler_addable(visit: Visit, name: str, certificate_no: str) -> list[Problem]:
    """A sampler not on the task's team joins on site (a replacement, a
    colleague of the agency): name and certificate number are required, and
    a certificate already in the team is the same person, not a new one."""
    problems = []
    if _blank(name):
        problems.append(Problem("team.name_required", "team.new.name"))
    key = certificate_key(certificate_no)
    if not key:
        problems.append(Problem("team.certificate_required", "team.new.certificate_no"))
    else:
        same = next((m for m in visit.team if certificate_key(m.certificate_no) == key), None)
        if same is not None:
            problems.append(Problem("team.duplicate_certificate", "team.new.certificate_no",
                                    {"certificate_no": certificate_no.strip(), "name": same.name}))
    return problems


def documents_shown(visit: Visit) -> list[Problem]:
    s = visit.shown
    problems = []
    if not s.inspection_notice:
        problems.append(Problem("shown.notice", "shown.inspection_notice"))
    if not s.sampler_ids:
        problems.append(Problem("shown.sampler_ids", "shown.sampler_ids"))
    if not s.authorization_letter:
        problems.append(Problem("shown.authorization", "shown.authorization_letter"))
    return problems


# --- party and plan -----------------------------------------------------

def party_complete(visit: Visit) -> list[Problem]:
    p = visit.party
    problems = []
    if _blank(p.name):
        problems.append(Problem("party.name", "party.name"))
    code_problem = credit_code_problem(p.credit_code or "")
    if code_problem:
        problems.append(Problem(code_problem, "party.credit_code"))
    if _blank(p.address):
        problems.append(Problem("party.address", "party.address"))
    if _blank(p.contact) and _blank(p.phone):
        problems.append(Problem("party.contact", "party.contact"))
    if _blank(p.licence_no):
        # No licence at all is the 无证无照 case: stop and use the problem report.
        problems.append(Problem("party.licence", "party.licence_no"))
    return problems


def scope_allowed(item: PlanItem, scope: Scope) -> list[Problem]:
    if item.allows(scope):
        return []
    return [Problem("plan.scope", "party.scope", {
        "product": item.product, "scope": scope.value,
        "scopes": tuple(s.value for s in item.scopes)})]


def plan_quota(item: PlanItem, batches_taken: int) -> list[Problem]:
    """batches_taken: batches of this plan item already sampled (not counting
    the one being checked)."""
    if batches_taken < item.batches:
        return []
    return [Problem("plan.quota", "sample.product", {"product": item.product, "quota": item.batches})]


def batch_limits(product: str, products_already_sampled_at_party: list[str]) -> list[Problem]:
    """One batch per product per party; at most two batches per party in a plan.
    products_already_sampled_at_party: one entry per batch already taken there."""
    problems = []
    if products_already_sampled_at_party.count(product) >= MAX_BATCHES_PER_PRODUCT_PER_PARTY:
        problems.append(Problem("batch.same_product", "sample.product", {"product": product}))
    if len(products_already_sampled_at_party) >= MAX_BATCHES_PER_PARTY:
        problems.append(Problem("batch.per_party", "sample.product",
                                {"count": len(products_already_sampled_at_party)}))
    return problems


# --- evidence -----------------------------------------------------------

def required_evidence(visit: Visit, categories=REQUIRED_EVIDENCE) -> list[Problem]:
    """Each category needs a photo unless a written reason waives it."""
    problems = []
    for cat in categories:
        if visit.live_evidence(cat):
            continue
        if not _blank(visit.evidence_waivers.get(cat.value)):
            continue
        problems.append(Problem("evidence.missing", f"evidence.{cat.value}",
                                {"category": cat.value}))
    return problems


# --- sample and price ---------------------------------------------------

def sample_complete(visit: Visit, rule: SamplingRule | None = None) -> list[Problem]:
    s = visit.sample
    problems = []
    if _blank(s.product):
        problems.append(Problem("sample.product", "sample.product"))
    if _blank(s.batch_no) and _blank(s.production_date):
        problems.append(Problem("sample.batch", "sample.batch_no"))
    if s.base_quantity is None or s.base_quantity <= 0:
        problems.append(Problem("sample.base_quantity", "sample.base_quantity"))
    if rule is not None:
        for attr, code, required in (("test_quantity", "sample.test_quantity", rule.test_quantity),
                                     ("backup_quantity", "sample.backup_quantity", rule.backup_quantity)):
            value = getattr(s, attr)
            if value is None or value < Decimal(required):
                problems.append(Problem(code, f"sample.{attr}", {"required": required, "unit": rule.unit}))
    if (s.base_quantity is not None and s.test_quantity is not None and s.backup_quantity is not None
            and s.test_quantity + s.backup_quantity > s.base_quantity):
        problems.append(Problem("sample.exceeds_stock", "sample.base_quantity"))
    # 牌号, 油罐号, 含绒量…: what the product's rule asks for, valid for it
    problems += product_fields_complete(visit, rule)
    problems += test_sample_price(visit)
    return problems


def test_sample_price(visit: Visit) -> list[Problem]:
    """Marked price first; without one, the market price of like products with
    its basis written down."""
    s = visit.sample
    problems = []
    if s.unit_price is None:
        problems.append(Problem("price.missing", "sample.unit_price"))
    elif s.unit_price <= 0:
        problems.append(Problem("price.not_positive", "sample.unit_price"))
    if s.price_basis is None:
        problems.append(Problem("price.basis", "sample.price_basis"))
    elif s.price_basis == PriceBasis.MARKET and _blank(s.price_basis_note):
        problems.append(Problem("price.market_note", "sample.price_basis_note"))
    return problems


# --- payment ------------------------------------------------------------

def expected_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(Decimal("0.01"))


def test_sample_paid(visit: Visit) -> list[Problem]:
    p = visit.payment
    if not p.paid or p.quantity is None or p.unit_price is None or p.amount is None:
        return [Problem("payment.unpaid", "payment.paid")]
    problems = []
    # The slip must match the sampling form (如实填写): the recorded price and
    # the test sample quantity are what is bought.
    s = visit.sample
    if s.unit_price is not None and p.unit_price != s.unit_price:
        problems.append(Problem("payment.price_mismatch", "payment.unit_price",
                                {"paid": format(p.unit_price, "f"), "recorded": format(s.unit_price, "f")}))
    if s.test_quantity is not None and p.quantity != s.test_quantity:
        problems.append(Problem("payment.quantity_mismatch", "payment.quantity",
                                {"paid": format(p.quantity, "f"), "recorded": format(s.test_quantity, "f")}))
    expected = expected_amount(p.quantity, p.unit_price)
    if p.amount != expected:
        problems.append(Problem("payment.amount", "payment.amount", {"expected": format(expected, "f")}))
    if not _blank(p.invoice_no) and _blank(p.invoice_issuer):
        problems.append(Problem("payment.invoice_issuer", "payment.invoice_issuer"))
    return problems


def backup_sample_free(visit: Visit) -> list[Problem]:
    return [] if visit.payment.backup_free else [Problem("payment.backup_not_free", "payment.backup_free")]


def no_fee_charged(visit: Visit) -> list[Problem]:
    return [] if visit.payment.fee_charged_to_party == 0 else [Problem("payment.fee_charged", "payment.fee_charged_to_party")]


# --- seals --------------------------------------------------------------

def sealed_separately(visit: Visit, rule: SamplingRule | None = None) -> list[Problem]:
    """Test and backup each sealed (at one time), every package with its own
    unique seal number; a seal belongs to exactly one sample kind."""
    problems = []
    regular = [s for s in visit.seals if not s.on_site_storage]
    test = {s.package_no for s in regular if s.kind == SampleKind.TEST}
    backup = {s.package_no for s in regular if s.kind == SampleKind.BACKUP}
    if not test:
        problems.append(Problem("seal.test_missing", "seals"))
    if not backup:
        problems.append(Problem("seal.backup_missing", "seals"))
    seen: set[str] = set()
    for s in visit.seals:
        if _blank(s.seal_no):
            problems.append(Problem("seal.blank_no", "seals"))
            continue
        if s.seal_no in seen:
            problems.append(Problem("seal.duplicate_no", "seals", {"seal_no": s.seal_no}))
        seen.add(s.seal_no)
    if rule is not None:
        for kind, packages, required in ((SampleKind.TEST, test, rule.packages_test),
                                         (SampleKind.BACKUP, backup, rule.packages_backup)):
            if packages and len(packages) < required:
                problems.append(Problem("seal.package_count", "seals", {
                    "kind": kind.value, "required": required,
                    "count": len(packages)}))
    return problems


def backup_storage_approved(visit: Visit) -> list[Problem]:
    """Backup left at the party only with the province's approval number,
    a location, seals at the openings, and the sealed state photographed."""
    st = visit.backup_storage
    if not st.on_site:
        return []
    problems = []
    if _blank(st.approval_no):
        problems.append(Problem("storage.approval", "backup_storage.approval_no"))
    if _blank(st.location):
        problems.append(Problem("storage.location", "backup_storage.location"))
    if not any(s.on_site_storage for s in visit.seals):
        problems.append(Problem("storage.seal", "seals"))
    # 封存后，应采取摄像、拍照等形式记录样品封存状态
    problems += required_evidence(visit, (EvidenceCategory.ON_SITE_STORAGE,))
    return problems


# --- signatures and freezing ------------------------------------------------

def signatures_complete(visit: Visit) -> list[Problem]:
    problems = []
    # Only samplers present on this visit count, each once, with a drawn image.
    present = {m.sampler_id for m in visit.present_team()}
    sampler_sigs = {s.signer_ref for s in visit.signatures
                    if s.role == SignerRole.SAMPLER and s.signer_ref in present and not _blank(s.image_sha256)}
    if len(sampler_sigs) < MIN_SAMPLERS:
        problems.append(Problem("sign.samplers", "signatures", {"count": len(sampler_sigs)}))
    party_signed = any(s.role == SignerRole.PARTY and not _blank(s.image_sha256) for s in visit.signatures)
    if not party_signed:
        if visit.sign_refusal is None:
            problems.append(Problem("sign.party", "signatures"))
        elif _blank(visit.sign_refusal.reason):
            problems.append(Problem("sign.refusal_reason", "sign_refusal.reason"))
    return problems


def not_frozen(visit: Visit) -> list[Problem]:
    return [Problem("record.frozen", "")] if visit.frozen else []


def amendment_confirmed(party_signature_sha256: str, new_value: str, reason: str) -> list[Problem]:
    problems = []
    if _blank(new_value) or _blank(reason):
        problems.append(Problem("amendment.empty", "amendment"))
    if _blank(party_signature_sha256):
        problems.append(Problem("amendment.unconfirmed", "amendment.party_signature"))
    return problems


# --- the three exits ------------------------------------------------------------

def refusal_complete(visit: Visit) -> list[Problem]:
    r = visit.refusal
    problems = []
    if r is None or _blank(r.facts):
        problems.append(Problem("refusal.facts", "refusal.facts"))
    if not visit.live_evidence(EvidenceCategory.REFUSAL) and (r is None or _blank(r.evidence_note)):
        problems.append(Problem("refusal.evidence", "refusal.evidence_note"))
    return problems


def problem_report_complete(visit: Visit) -> list[Problem]:
    p = visit.problem
    problems = []
    if p is None or _blank(p.description):
        problems.append(Problem("problem.description", "problem.description"))
    if not visit.live_evidence(EvidenceCategory.PROBLEM):
        problems.append(Problem("problem.evidence", "evidence.problem"))
    return problems


def no_sample_complete(visit: Visit) -> list[Problem]:
    """未抽到样品: the reason, what was found, photos of it, and the
    signatures (both samplers; the party's, or its refusal written down)."""
    n = visit.no_sample
    problems = []
    if n is None or _blank(n.description):
        problems.append(Problem("no_sample.description", "no_sample.description"))
    if not visit.live_evidence(EvidenceCategory.NO_SAMPLE):
        problems.append(Problem("no_sample.evidence", "evidence.no_sample"))
    return problems + signatures_complete(visit)
