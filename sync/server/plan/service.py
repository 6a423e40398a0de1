"""Import the plan (附件1) and the sampling rules; read them back."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol.fields import Id, Text
from sync.protocol.schemas import PlanItemOut, PlanOut
from sync.server.audit import service as audit
from sync.server.plan.models import Plan, PlanItem, SamplingRuleRow
from sync.server.pull.changes import record_change

SCOPES = ("producer", "seller", "gas_station")


class _ItemIn(BaseModel):
    id: Id
    seq: int = Field(ge=0, le=100_000)
    category: Text(100)
    product: Text(100)
    batches: int = Field(ge=0, le=10_000_000)
    scopes: list[Literal[SCOPES]] = Field(min_length=1, max_length=3)


class PlanIn(BaseModel):
    """The plan file as the command line reads it (a malformed file is a
    ValueError naming the field, never a crash or a half-written plan)."""
    id: Annotated[Id, Field(max_length=32)]
    title: Text(200, 1)
    document_no: Text(100) = ""
    notice_no_format: Text(100) = ""   # e.g. "晋市监抽〔2022〕4-{seq}号"
    items: list[_ItemIn] = Field(max_length=1000)

    @field_validator("notice_no_format")
    @classmethod
    def _has_seq(cls, v: str) -> str:
        if v and "{seq}" not in v:
            raise ValueError('must contain {seq}, where the task\'s number goes')
        return v


def import_plan(*, session: Session, data: dict, actor: str = "cli") -> Plan:
    """data: {"id","title","document_no","items":[{"id","seq","category",
    "product","batches","scopes":[...]}]} (resources/plan_2022_4.json)."""
    data = PlanIn.model_validate(data).model_dump()
    plan = session.get(Plan, data["id"]) or Plan(id=data["id"])
    plan.title, plan.document_no = data["title"], data.get("document_no", "")
    if data["notice_no_format"]:
        plan.notice_no_format = data["notice_no_format"]
    plan.reports_due = str(((data.get("deadlines") or {}).get("reports_delivered") or {}).get("date") or "")
    session.add(plan)
    for item in data["items"]:
        row = session.get(PlanItem, item["id"]) or PlanItem(id=item["id"], plan_id=plan.id)
        row.plan_id, row.seq, row.category = plan.id, int(item["seq"]), item["category"]
        row.product, row.batches, row.scopes = item["product"], int(item["batches"]), list(item["scopes"])
        session.add(row)
    session.flush()
    record_change(session=session, kind="plan", entity_id=plan.id)
    audit.log(session=session, actor=actor, action="plan.import", target=plan.id,
              detail={"items": len(data["items"])})
    return plan


def import_rules(*, session: Session, rules: list[dict], actor: str = "cli") -> int:
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("product"), str):
            raise ValueError(f"sampling rule {i + 1}: an object with a product name expected")
    for rule in rules:
        row = session.get(SamplingRuleRow, rule["product"]) or SamplingRuleRow(product=rule["product"])
        row.data = dict(rule)
        session.add(row)
        session.flush()
        record_change(session=session, kind="rule", entity_id=rule["product"])
    audit.log(session=session, actor=actor, action="rules.import", detail={"rules": len(rules)})
    return len(rules)


def sampled_counts(*, session: Session, plan_id: str) -> dict[str, int]:
    from sync.server.records.models import Record
    rows = session.execute(select(Record.plan_item_id, func.count()).join(PlanItem, PlanItem.id == Record.plan_item_id)
                           .where(PlanItem.plan_id == plan_id, Record.status == "finished")
                           .group_by(Record.plan_item_id))
    return {item_id: n for item_id, n in rows}


def open_slots(*, session: Session, plan_item_id: str) -> int:
    """Batches of the plan item that no task holds: its quota minus the tasks
    still under way or done (a cancelled task, or one closed as 未抽到样品,
    frees its slot for a replacement party)."""
    from sync.server.tasks.models import SLOT_FREE, Task
    item = session.get(PlanItem, plan_item_id)
    if item is None:
        return 0
    held = session.scalar(select(func.count()).select_from(Task).where(
        Task.plan_item_id == plan_item_id, Task.status.not_in(SLOT_FREE))) or 0
    return max(0, item.batches - held)


def plan_out(*, session: Session, plan: Plan) -> PlanOut:
    counts = sampled_counts(session=session, plan_id=plan.id)
    items = session.scalars(select(PlanItem).where(PlanItem.plan_id == plan.id).order_by(PlanItem.seq, PlanItem.id))
    return PlanOut(id=plan.id, title=plan.title, document_no=plan.document_no, items=[
        PlanItemOut(id=i.id, seq=i.seq, category=i.category, product=i.product, batches=i.batches,
                    scopes=list(i.scopes), sampled=counts.get(i.id, 0)) for i in items])


def all_plans(*, session: Session) -> list[PlanOut]:
    return [plan_out(session=session, plan=p) for p in session.scalars(select(Plan).order_by(Plan.id))]


def rules_out(*, session: Session, products: list[str] | None = None) -> list[dict]:
    q = select(SamplingRuleRow).order_by(SamplingRuleRow.product)
    if products is not None:
        q = q.where(SamplingRuleRow.product.in_(products))
    return [r.data for r in session.scalars(q)]
