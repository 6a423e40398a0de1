"""The lab's list and one sample as the sample manager sees it: the record
it belongs to, the receipt, its blind code (an audited view), custody,
results, advice, deadlines, deliveries; printable custody sheet, rejection
letter, blind label; the blind mapping; the lab's photos."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.domain.i18n import tr
from app.domain.seal_check import SHORT
from sync.server.console.access import (LabForm, LabManage, LabMapping, LabOversee, PageError, SignedIn, agency_scope,
                                        lab_may)
from sync.server.console.pages import lab_common as lc
from sync.server.console.pages import lab_print
from sync.server.console.session import ConsoleUser
from sync.server.console.web import lang_of, redirect, render
from sync.server.deps import tx
from sync.server.lab import blind, custody, delivery, disposal, overview, receipt, records, results, transit
from sync.server.lab.common import LabError
from sync.server.lab.models import BlindSample, Disposal

router = APIRouter(prefix="/console/lab", include_in_schema=False)


@router.get("")
def lab_list(request: Request, user: SignedIn, status: str = ""):
    if not lab_may(user, "oversee"):
        if lab_may(user, "test"):
            return RedirectResponse("/console/lab/bench", status_code=303)   # testers: blind codes only
        raise PageError(403, "error.403")
    status = status if status in lc.STATUS else ""
    scope = agency_scope(user)
    today = lc.today(request)
    with tx(request) as session:
        rows = overview.lab_list(session=session, agency_id=scope, rules=lc.rules(), cal=lc.calendar(), today=today,
                                 status=status)
        late = transit.overdue(session=session, agency_id=scope, rules=lc.rules(), cal=lc.calendar(), today=today)
        counts = overview.counts(session=session, agency_id=scope)
    return render(request, "lab/list.html", user, rows=rows, late=late, counts=counts, chosen=status,
                  statuses=lc.STATUS, kind=lc.KIND, deadline_names=lc.DEADLINE, lab_today=today,
                  conclusions=results.CONCLUSION_TEXT, short=SHORT)


def _sample_context(session, request: Request, user: ConsoleUser, sample_id: int) -> dict:
    sample = lc.sample_of(session, user, sample_id)
    rec = records.by_visit(session=session, visit_id=sample.visit_id) if sample.record_id else None
    code = blind.code_of(session=session, sample=sample, actor=lc.actor(user)) if lab_may(user, "mapping") else None
    b = session.get(BlindSample, sample.blind_id) if sample.blind_id else None
    ctx = {"sample": sample, "rec": rec, "code": code, "blind": b,
           "events": custody.events(session=session, sample_ids=[sample.id]),
           "photos": receipt.photos(session=session, sample_id=sample.id),
           "findings": lc.finding_texts(sample, lang_of(request)), "disposal": session.get(Disposal, sample.id),
           "red": bool(receipt.red(sample))}
    if b is not None:
        today = lc.today(request)
        ctx.update(items=results.failed_items(session=session, blind_id=b.id),
                   advice=results.advice(session=session, blind_id=b.id),
                   st=delivery.status_of(session=session, blind=b, rules=lc.rules(), cal=lc.calendar(), today=today),
                   delivered=delivery.deliveries(session=session, blind_ids=[b.id]).get(b.id, {}),
                   needed=delivery.recipients(rec), lab_today=today)
    return ctx


@router.get("/samples/{sample_id}")
def sample_page(request: Request, user: LabOversee, sample_id: int):
    with tx(request) as session:
        ctx = _sample_context(session, request, user, sample_id)
    return render(request, "lab/sample.html", user, kind=lc.KIND, statuses=lc.STATUS, events_names=custody.EVENTS,
                  conclusions=results.CONCLUSION_TEXT, methods=delivery.METHODS, recipients=delivery.RECIPIENTS,
                  deadline_names=lc.DEADLINE, may_manage=lab_may(user, "manage"), actions=disposal.ACTIONS, **ctx)


@router.post("/samples/{sample_id}/custody")
def add_custody(request: Request, user: LabManage, form: LabForm, sample_id: int):
    here = f"/console/lab/samples/{sample_id}#custody"
    try:
        with tx(request) as session:
            sample = lc.sample_of(session, user, sample_id)
            custody.add(session=session, sample=sample, event=str(form.get("event") or ""), actor=lc.actor(user),
                        at=lc.now(request), location=str(form.get("location") or ""),
                        note=str(form.get("note") or ""))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("流转记录已保存", lang_of(request)))


@router.get("/samples/{sample_id}/custody.pdf")
def custody_pdf(request: Request, user: LabOversee, sample_id: int):
    with tx(request) as session:
        sample = lc.sample_of(session, user, sample_id)
        code = blind.code_of(session=session, sample=sample, actor=lc.actor(user)) if lab_may(user, "mapping") else None
        pdf = lab_print.custody_pdf(session, sample=sample, code=code, tester_copy=False)
    return _pdf(pdf, f"custody-{sample.seal_no}.pdf")


@router.get("/samples/{sample_id}/rejection.pdf")
def rejection_pdf(request: Request, user: LabOversee, sample_id: int):
    with tx(request) as session:
        sample = lc.sample_of(session, user, sample_id)
        if sample.status != "rejected":
            raise lc.not_found()
        pdf = lab_print.rejection_pdf(session, request, sample=sample)
    return _pdf(pdf, f"rejection-{sample.seal_no}.pdf")


@router.get("/samples/{sample_id}/label.pdf")
def label_pdf(request: Request, user: LabMapping, sample_id: int):
    with tx(request) as session:
        sample = lc.sample_of(session, user, sample_id)
        code = blind.code_of(session=session, sample=sample, actor=lc.actor(user))
        if code is None:
            raise lc.not_found()
        from forms import blind_label
        pdf = blind_label.build(code.code)
    return _pdf(pdf, "blind-label.pdf")


@router.get("/mapping")
def mapping(request: Request, user: LabMapping):
    with tx(request) as session:
        rows = blind.mapping(session=session, agency_id=agency_scope(user), actor=lc.actor(user))
    return render(request, "lab/mapping.html", user, rows=rows, kind=lc.KIND, conclusions=results.CONCLUSION_TEXT)


@router.get("/photos/{sha256}")
def photo(request: Request, user: LabOversee, sha256: str, thumb: int = 0):
    from sync.server.console.pages.records import _thumbnail, send_blob
    store = request.app.state.blobs
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise lc.not_found()
    with tx(request) as session:
        if not lc.may_read_photo(session, user, sha256) or not store.has(sha256):
            raise lc.not_found()
    headers = {"Cache-Control": "private, max-age=86400"}
    if thumb:
        data = _thumbnail(request, sha256)
        if data is not None:
            return Response(data, media_type="image/jpeg", headers=headers)
    return send_blob(store, sha256, headers=headers)


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})
