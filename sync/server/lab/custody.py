"""Chain of custody (样品流转): every hand-over of a package with who, when
and where: received, stored (a location), to the tester, tested, retained,
disposed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_
from sync.server.audit import service as audit
from sync.server.lab.common import Actor, LabError
from sync.server.lab.models import CustodyEvent, LabSample

EVENTS = {"received": N_("收样"), "stored": N_("入库保存"), "to_tester": N_("交检验员"), "tested": N_("检毕返还"),
          "retained": N_("留样"), "disposed": N_("处置")}
# What a tester may record (their own hand-overs); the rest is the sample manager's.
TESTER_EVENTS = ("to_tester", "tested")
NEEDS_LOCATION = ("stored", "retained")


def add(*, session: Session, sample: LabSample, event: str, actor: Actor, at: datetime, location: str = "",
        note: str = "") -> CustodyEvent:
    if event not in EVENTS:
        raise LabError(N_("未知的流转环节"))
    location = location.strip()
    if event in NEEDS_LOCATION and not location:
        raise LabError(N_("请填写存放位置"))
    if sample.status != "accepted" and event != "received":
        raise LabError(N_("只有已接收的样品才能流转"))
    row = CustodyEvent(sample_id=sample.id, event=event, at=at, actor=actor.username, actor_name=actor.name,
                       location=location[:200], note=note.strip()[:500])
    session.add(row)
    if location:
        sample.location = location[:200]
    session.flush()
    audit.log(session=session, actor=actor.username, action=f"lab.custody.{event}", target=f"sample {sample.id}",
              detail={"location": row.location})
    return row


def events(*, session: Session, sample_ids: list[int]) -> list[CustodyEvent]:
    if not sample_ids:
        return []
    return list(session.scalars(select(CustodyEvent).where(CustodyEvent.sample_id.in_(sample_ids))
                                .order_by(CustodyEvent.at, CustodyEvent.id)))
