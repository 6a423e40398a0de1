"""The testers' bench: blind samples by their code only. A tester sees the
product and what testing needs (specification, standard, quantity), the
hand-overs, and enters the result, the failed items and the report; never
the party, the producer, the record or the seals."""
from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app.domain.i18n import N_, tr
from sync.server.console.access import LabForm, LabTest, agency_scope
from sync.server.console.pages import lab_common as lc
from sync.server.console.pages import lab_print
from sync.server.console.pages.lab_samples import _pdf
from sync.server.console.web import lang_of, redirect, render
from sync.server.deps import tx
from sync.server.lab import blind, custody, records, results
from sync.server.lab.common import MAX_FILE_BYTES, LabError

router = APIRouter(prefix="/console/lab", include_in_schema=False)
SPEC_FIELDS = ("spec_model", "quality_grade", "standard", "sample_state")


@router.get("/bench")
def bench(request: Request, user: LabTest):
    with tx(request) as session:
        rows = blind.bench(session=session, agency_id=agency_scope(user))
    return render(request, "lab/bench.html", user, rows=rows, conclusions=results.CONCLUSION_TEXT)


@router.get("/bench.csv")
def bench_csv(request: Request, user: LabTest):
    lang = lang_of(request)
    with tx(request) as session:
        rows = blind.bench(session=session, agency_id=agency_scope(user))
        items = {b.id: results.failed_items(session=session, blind_id=b.id) for b in rows if b.conclusion == "fail"}
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([tr(h, lang) for h in (N_("样品编号"), N_("产品名称"), N_("检验结论"), N_("报告编号"), N_("报告日期"),
                                      N_("不合格项目"))])
    for b in rows:
        w.writerow([b.code, b.product, tr(results.CONCLUSION_TEXT[b.conclusion], lang) if b.conclusion else "",
                    b.report_no, b.report_date, "; ".join(i.item for i in items.get(b.id, []))])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="bench.csv"', "Cache-Control": "no-store"})


def _spec(session, b) -> dict:
    """What testing needs from the record: nothing that names anyone."""
    rec = records.by_visit(session=session, visit_id=b.visit_id)
    if rec is None:
        return {}
    packages = blind.packages(session=session, blind_id=b.id)
    out = {k: rec.sample.get(k) or "" for k in SPEC_FIELDS}
    out["quantity"] = rec.quantity("test")
    out["packages"] = len(packages)
    return out


@router.get("/blind/{code}")
def blind_page(request: Request, user: LabTest, code: str):
    with tx(request) as session:
        b = lc.blind_of(session, user, code)
        packages = blind.packages(session=session, blind_id=b.id)
        events = custody.events(session=session, sample_ids=[p.id for p in packages])
        ctx = {"b": b, "spec": _spec(session, b), "events": events,
               "items": results.failed_items(session=session, blind_id=b.id)}
    return render(request, "lab/blind.html", user, events_names=custody.EVENTS, tester_events=custody.TESTER_EVENTS,
                  conclusions=results.CONCLUSION_TEXT, lab_today=lc.today(request), **ctx)


@router.post("/blind/{code}/custody")
def blind_custody(request: Request, user: LabTest, form: LabForm, code: str):
    here = f"/console/lab/blind/{code}#custody"
    event = str(form.get("event") or "")
    try:
        if event not in custody.TESTER_EVENTS:
            raise LabError(N_("未知的流转环节"))
        with tx(request) as session:
            b = lc.blind_of(session, user, code)
            for sample in blind.packages(session=session, blind_id=b.id):
                custody.add(session=session, sample=sample, event=event, actor=lc.actor(user), at=lc.now(request),
                            location=str(form.get("location") or ""), note=str(form.get("note") or ""))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("流转记录已保存", lang_of(request)))


def _items(form) -> list[dict]:
    cols = {k: form.getlist(f"item_{k}") for k in ("item", "requirement", "measured", "method")}
    n = max((len(v) for v in cols.values()), default=0)
    return [{k: (v[i] if i < len(v) else "") for k, v in cols.items()} for i in range(n)]


@router.post("/blind/{code}/result")
def result(request: Request, user: LabTest, form: LabForm, code: str):
    here = f"/console/lab/blind/{code}#result"
    try:
        with tx(request) as session:
            b = lc.blind_of(session, user, code)
            results.set_result(session=session, blind=b, conclusion=str(form.get("conclusion") or ""),
                               report_no=str(form.get("report_no") or ""),
                               report_date=str(form.get("report_date") or ""),
                               testing_ended_on=str(form.get("testing_ended_on") or ""), items=_items(form),
                               actor=lc.actor(user), now=lc.now(request))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("检验结果已保存", lang_of(request)))


@router.post("/blind/{code}/report")
async def upload_report(request: Request, user: LabTest, form: LabForm, code: str):
    here = f"/console/lab/blind/{code}#result"
    upload = form.get("report")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return redirect(request, here, flash=tr("请选择检验报告 PDF", lang_of(request)), error=True)
    data = await upload.read(MAX_FILE_BYTES + 1)

    def save():
        with tx(request) as session:
            b = lc.blind_of(session, user, code)
            results.attach_report(session=session, store=request.app.state.blobs, blind=b, data=data,
                                  actor=lc.actor(user))
    try:
        await run_in_threadpool(save)
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("检验报告已上传", lang_of(request)))


@router.get("/blind/{code}/label.pdf")
def label(request: Request, user: LabTest, code: str):
    from forms import blind_label
    with tx(request) as session:
        b = lc.blind_of(session, user, code)
        pdf = blind_label.build(b.code)
    return _pdf(pdf, f"label-{b.code}.pdf")


@router.get("/blind/{code}/custody.pdf")
def blind_custody_pdf(request: Request, user: LabTest, code: str):
    with tx(request) as session:
        b = lc.blind_of(session, user, code)
        packages = blind.packages(session=session, blind_id=b.id)
        if not packages:
            raise lc.not_found()
        pdf = lab_print.custody_pdf(session, sample=packages[0], code=b, tester_copy=True, packages=packages)
    return _pdf(pdf, f"custody-{b.code}.pdf")
