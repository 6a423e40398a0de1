"""After the result, on the sample manager's side (it names the party):
the improvement advice letter of a failed sample, the result deliveries,
the dates the deadlines are measured by."""
from __future__ import annotations

from fastapi import APIRouter, Request

from app.domain.i18n import tr
from sync.server.console.access import LabForm, LabManage, LabOversee
from sync.server.console.pages import lab_common as lc
from sync.server.console.pages import lab_print
from sync.server.console.pages.lab_samples import _pdf
from sync.server.console.pages.records import send_blob
from sync.server.console.web import lang_of, redirect
from sync.server.deps import tx
from sync.server.lab import delivery, results
from sync.server.lab.common import LabError
from sync.server.lab.models import BlindSample

router = APIRouter(prefix="/console/lab", include_in_schema=False)


def _blind(session, user, sample_id: int) -> BlindSample:
    sample = lc.sample_of(session, user, sample_id)
    b = session.get(BlindSample, sample.blind_id) if sample.blind_id else None
    if b is None:
        raise lc.not_found()
    return b


@router.post("/samples/{sample_id}/advice")
def save_advice(request: Request, user: LabManage, form: LabForm, sample_id: int):
    here = f"/console/lab/samples/{sample_id}#advice"
    try:
        with tx(request) as session:
            b = _blind(session, user, sample_id)
            results.save_advice(session=session, blind=b, problem=str(form.get("problem") or ""),
                                cause=str(form.get("cause") or ""), advice_text=str(form.get("advice") or ""),
                                remarks=str(form.get("remarks") or ""), issued_on=str(form.get("issued_on") or ""),
                                actor=lc.actor(user), now=lc.now(request))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("改进建议书已保存", lang_of(request)))


@router.get("/samples/{sample_id}/advice.pdf")
def advice_pdf(request: Request, user: LabOversee, sample_id: int):
    with tx(request) as session:
        b = _blind(session, user, sample_id)
        pdf = lab_print.advice_pdf(session, request, b=b)
        name = f"advice-{b.report_no or sample_id}.pdf"
    return _pdf(pdf, name)


@router.post("/samples/{sample_id}/delivery")
def record_delivery(request: Request, user: LabManage, form: LabForm, sample_id: int):
    here = f"/console/lab/samples/{sample_id}#delivery"
    try:
        with tx(request) as session:
            b = _blind(session, user, sample_id)
            delivery.record_delivery(session=session, blind=b, recipient=str(form.get("recipient") or ""),
                                     method=str(form.get("method") or ""),
                                     tracking_no=str(form.get("tracking_no") or ""),
                                     delivered_on=str(form.get("delivered_on") or ""), actor=lc.actor(user))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("送达记录已保存", lang_of(request)))


@router.post("/samples/{sample_id}/dates")
def save_dates(request: Request, user: LabManage, form: LabForm, sample_id: int):
    here = f"/console/lab/samples/{sample_id}#deadlines"
    try:
        with tx(request) as session:
            b = _blind(session, user, sample_id)
            results.set_dates(session=session, blind=b, ecqs_entered_on=str(form.get("ecqs_entered_on") or ""),
                              province_sent_on=str(form.get("province_sent_on") or ""), actor=lc.actor(user))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("日期已保存", lang_of(request)))


@router.get("/samples/{sample_id}/report.pdf")
def report_pdf(request: Request, user: LabOversee, sample_id: int):
    """The uploaded test report names the party: the sample manager's and
    the province's, by sample (a tester sees only that it is uploaded)."""
    with tx(request) as session:
        sha = _blind(session, user, sample_id).report_sha256
    if not sha or not request.app.state.blobs.has(sha):
        raise lc.not_found()
    return send_blob(request.app.state.blobs, sha, media_type="application/pdf", filename=f"report-{sample_id}.pdf")
