"""Exports: the plan's 检验情况汇总表 as .xlsx or CSV (audited: who took
which rows, when)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from sync.server.audit import service as audit
from sync.server.console.access import Admin, AdminForm, PageError, agency_scope
from sync.server.console.web import render
from sync.server.deps import tx
from sync.server.exports import summary
from sync.server.plan.models import Plan

router = APIRouter(prefix="/console", include_in_schema=False)
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@router.get("/exports")
def exports_page(request: Request, user: Admin):
    with tx(request) as session:
        plans = list(session.scalars(select(Plan).order_by(Plan.id.desc())))
    return render(request, "exports.html", user, plans=plans)


@router.post("/exports/summary")
def export_summary(request: Request, user: Admin, form: AdminForm):
    fmt = str(form.get("format") or "xlsx")
    plan_id = str(form.get("plan") or "")
    if fmt not in MEDIA:
        raise PageError(404, "error.404")
    scope = agency_scope(user)
    with tx(request) as session:
        if session.get(Plan, plan_id) is None:
            raise PageError(404, "error.404")
        build = summary.xlsx_bytes if fmt == "xlsx" else summary.csv_bytes
        data, rows = build(session=session, plan_id=plan_id, agency_id=scope)
        audit.log(session=session, actor=user.username, device_id=user.device_id, action="export.summary",
                  target=plan_id, detail={"format": fmt, "rows": rows, "agency": scope or "all"})
    name = summary.filename(plan_id, fmt)
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
