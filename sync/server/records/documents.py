"""A record's documents regenerated on the server, from the stored record,
with the same forms/ builders the sampler's laptop printed them with.

Seal labels are not among them: their QR is signed with the device's
private key, which never leaves the laptop; the console lists the seal
numbers instead."""
from __future__ import annotations

import io
import json
import sys
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.entities import Agency as DomainAgency
from app.domain.entities import Sampler
from app.domain.entities import Task as DomainTask
from app.domain.plan import Plan as DomainPlan
from app.domain.plan import PlanItem as DomainItem
from app.domain.plan import SamplingRule, Scope
from app.domain.plain import from_plain
from app.domain import resources
from app.domain.documents import REGISTRY, DocumentKind, documents_to_leave
from app.domain.i18n import tr
from app.domain.visit import Visit
from forms import documents as registry
from forms.context import Authority, DocumentContext, PlanNotice
from sync.server.auth.models import Agency
from sync.server.blobs import service as blob_service
from sync.server.blobs.store import DiskBlobStore
from sync.server.plan.models import Plan, PlanItem, SamplingRuleRow
from sync.server.records.inspect import RecordView
from sync.server.tasks.models import Task

def names_for(visit: Visit) -> list[str]:
    """The documents this record left, in the order they were handed over
    (the one registry decides), but the seal labels."""
    return [need.kind.value for need in documents_to_leave(visit) if REGISTRY[need.kind].paper != "label"]


def titles(lang: str) -> dict[str, str]:
    return {kind.value: tr(doc.name, lang) for kind, doc in REGISTRY.items()}


@lru_cache(maxsize=1)
def authority() -> Authority:
    """The bureau printed on the notice and the feedback form: the same
    resources/authority.json the desktop app reads."""
    here = Path(__file__).resolve()
    for path in (here.parents[3] / "resources" / "authority.json",
                 Path(sys.prefix) / "share" / "field-sampler" / "resources" / "authority.json"):
        if path.exists():
            return Authority(**json.loads(path.read_text(encoding="utf-8")))
    return Authority()


@lru_cache(maxsize=4)
def plan_notice(plan_id: str) -> PlanNotice | None:
    """How the notice cites the plan's notice (real title, 抽查依据): the
    plan file the app ships, when it is the record's plan."""
    folder = resources.find("plan_2022_4.json")
    if folder is None:
        return None
    doc = json.loads((folder / "plan_2022_4.json").read_text(encoding="utf-8"))
    if doc.get("id") != plan_id:
        return None
    return PlanNotice(title=doc.get("notice_title", ""), document_no=doc.get("document_no", ""),
                      basis=tuple(doc.get("basis", ())))


def product_rule(session: Session, product: str) -> SamplingRule | None:
    """The product's sampling rule (its product fields' labels and order)."""
    row = session.get(SamplingRuleRow, product) if product else None
    try:
        return from_plain(SamplingRule, row.data) if row is not None else None
    except (TypeError, ValueError, KeyError):
        return None


def _due(task_row: Task | None) -> date | None:
    try:
        return date.fromisoformat(task_row.due_date) if task_row is not None and task_row.due_date else None
    except ValueError:
        return None


def _item(row: PlanItem) -> DomainItem:
    return DomainItem(id=row.id, seq=row.seq, category=row.category, product=row.product, batches=row.batches,
                      scopes=tuple(Scope(s) for s in row.scopes))


def context(*, session: Session, view: RecordView, blobs: DiskBlobStore) -> DocumentContext:
    visit = view.visit
    rec = view.record
    agency_row = session.get(Agency, rec.agency_id)
    agency = (DomainAgency(id=agency_row.id, name=agency_row.name, address=agency_row.address,
                           contact=agency_row.contact, phone=agency_row.phone)
              if agency_row else DomainAgency(id=rec.agency_id, name=rec.agency_id))
    item_row = session.get(PlanItem, rec.plan_item_id)
    plan_row = session.get(Plan, item_row.plan_id) if item_row else None
    item = _item(item_row) if item_row else None
    plan = (DomainPlan(id=plan_row.id, title=plan_row.title, document_no=plan_row.document_no,
                       items=(item,) if item else ()) if plan_row else None)
    task_row = session.get(Task, rec.task_id)
    task = (DomainTask(id=task_row.id, plan_id=task_row.plan_id, plan_item_ids=[task_row.plan_item_id],
                       party=visit.party, team=[Sampler(id=m.sampler_id, name=m.name, certificate_no=m.certificate_no)
                                                for m in visit.team],
                       agency_id=task_row.agency_id, due_date=task_row.due_date, source=task_row.source,
                       kind=task_row.kind, notes=task_row.notes, notice_no=task_row.notice_no)
            if task_row else None)
    shas = {s.image_sha256 for s in visit.signatures}
    if visit.sign_refusal and visit.sign_refusal.witness_signature_sha256:
        shas.add(visit.sign_refusal.witness_signature_sha256)
    shas |= {a.party_signature_sha256 for a in visit.amendments if a.party_signature_sha256}
    # Only images the team that made the record uploaded itself: a hash it
    # merely cites shows nothing (proof of possession, blobs/service.py).
    held = blob_service.held(session=session, team_id=rec.team_id, hashes=[s for s in shas if s])
    images = {}
    for sha in shas:
        if sha in held and blobs.has(sha):
            with blobs.open(sha) as f:
                data = f.read()
            if _is_image(data):      # a device may have sent any bytes under a signature's name
                images[sha] = data
    return DocumentContext(visit=visit, agency=agency, authority=authority(), plan=plan, plan_item=item, task=task,
                           signature_images=images, seal_payloads={},
                           plan_notice=plan_notice(plan_row.id) if plan_row else None,
                           notice_valid_until=_due(task_row), rule=product_rule(session, visit.sample.product))


def _is_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False


def build_pdf(*, session: Session, view: RecordView, name: str, blobs: DiskBlobStore) -> bytes:
    if view.visit is None or name not in names_for(view.visit):
        raise KeyError(name)
    return registry.build(DocumentKind(name), context(session=session, view=view, blobs=blobs))
