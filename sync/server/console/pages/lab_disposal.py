"""样品处置 and 寄送样品 pages: the samples due for disposal once their
objection period is over, recording a disposal with its receipt or photo,
the disposal report per plan for the province; the shipments in transit
(too long: red) and recording one from the console."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from app.domain.i18n import N_, tr
from sync.server.console.access import LabForm, LabManage, LabOversee, agency_scope
from sync.server.console.pages import lab_common as lc
from sync.server.console.pages import lab_print
from sync.server.console.pages.lab_receive import _files
from sync.server.console.pages.lab_samples import _pdf
from sync.server.console.web import lang_of, redirect, render
from sync.server.deps import tx
from sync.server.lab import disposal, records, results, transit
from sync.server.lab.common import LabError
from sync.server.plan.models import Plan

router = APIRouter(prefix="/console/lab", include_in_schema=False)


@router.get("/disposal")
def disposal_list(request: Request, user: LabOversee):
    today = lc.today(request)
    with tx(request) as session:
        rows = disposal.due(session=session, agency_id=agency_scope(user), rules=lc.rules(), cal=lc.calendar(),
                            today=today)
        plans = list(session.scalars(select(Plan).order_by(Plan.id.desc())))
    return render(request, "lab/disposal.html", user, rows=rows, plans=plans, actions=disposal.ACTIONS,
                  kind=lc.KIND, conclusions=results.CONCLUSION_TEXT, lab_today=today)


@router.post("/samples/{sample_id}/disposal")
async def record_disposal(request: Request, user: LabManage, form: LabForm, sample_id: int):
    proof = await _files(form, "proof")

    def save():
        with tx(request) as session:
            sample = lc.sample_of(session, user, sample_id)
            disposal.record(session=session, store=request.app.state.blobs, sample=sample,
                            action=str(form.get("action") or ""), disposed_on=str(form.get("disposed_on") or ""),
                            recipient=str(form.get("recipient") or ""), note=str(form.get("note") or ""),
                            proof=proof, actor=lc.actor(user), rules=lc.rules(), cal=lc.calendar(),
                            now=lc.now(request), today=lc.today(request))
            return sample.seal_no
    try:
        seal_no = await run_in_threadpool(save)
    except LabError as e:
        return lc.refused(request, "/console/lab/disposal", e)
    return redirect(request, "/console/lab/disposal", flash=tr("封条 {no} 的样品处置已记录", lang_of(request), no=seal_no))


@router.get("/disposal/report.pdf")
def disposal_report(request: Request, user: LabOversee, plan: str = ""):
    with tx(request) as session:
        row = session.get(Plan, plan) if plan else session.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))
        if row is None:
            raise lc.not_found()
        pdf = lab_print.disposal_report_pdf(session, request, plan=row, agency_id=agency_scope(user))
    return _pdf(pdf, f"disposal-{row.id}.pdf")


@router.get("/transit")
def transit_page(request: Request, user: LabOversee):
    today = lc.today(request)
    with tx(request) as session:
        rows = transit.listing(session=session, agency_id=agency_scope(user), rules=lc.rules(), cal=lc.calendar())
    return render(request, "lab/transit.html", user, rows=rows, lab_today=today)


@router.post("/transit")
def transit_record(request: Request, user: LabManage, form: LabForm):
    try:
        with tx(request) as session:
            rec = records.by_record_no(session=session, record_no=str(form.get("record_no") or "").strip(),
                                       agency_id=user.agency_id)
            if rec is None:
                raise LabError(N_("没有这个抽样单编号的记录"))
            transit.save(session=session, visit_id=rec.record.visit_id, agency_id=rec.record.agency_id,
                         courier=str(form.get("courier") or ""), tracking_no=str(form.get("tracking_no") or ""),
                         sent_on=str(form.get("sent_on") or ""), deadline=str(form.get("deadline") or ""),
                         source="console", actor=user.username)
    except LabError as e:
        return lc.refused(request, "/console/lab/transit", e)
    return redirect(request, "/console/lab/transit", flash=tr("寄送信息已保存", lang_of(request)))
