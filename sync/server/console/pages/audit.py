"""The audit log: who changed what, when, before and after."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from sync.server.audit.models import AuditEntry
from sync.server.auth.models import User
from sync.server.console.access import Admin, agency_scope
from sync.server.console.strings import TEXT
from sync.server.console.web import render
from sync.server.deps import tx

router = APIRouter(prefix="/console", include_in_schema=False)
PER_PAGE = 100


@router.get("/audit")
def audit_page(request: Request, user: Admin, action: str = "", actor: str = "", page: int = 1):
    """The province sees every entry; an agency admin the entries made by
    their agency's accounts."""
    scope = agency_scope(user)
    q = select(AuditEntry)
    if scope is not None:
        q = q.where(AuditEntry.actor.in_(select(User.username).where(User.agency_id == scope)))
    if action:
        q = q.where(AuditEntry.action == action)
    if actor:
        q = q.where(AuditEntry.actor == actor)
    with tx(request) as session:
        total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
        entries = list(session.scalars(q.order_by(AuditEntry.id.desc()).limit(PER_PAGE)
                                       .offset((max(page, 1) - 1) * PER_PAGE)))
        actions = sorted(session.scalars(select(AuditEntry.action).distinct()))
    dump = lambda v: json.dumps(v, ensure_ascii=False, indent=1, sort_keys=True) if v else ""  # noqa: E731
    return render(request, "audit.html", user, entries=entries, total=total, page=max(page, 1), per_page=PER_PAGE,
                  actions=actions, sel={"action": action, "actor": actor}, dump=dump, labels=TEXT)
