"""样品接收 pages: the scan field (a USB scanner types the seal's payload
and Enter; scanning the sampling form's QR first names the record the
packages must belong to), a seal photo decoded on the server, the verdict
beside the record's summary and sampling photos, and the receiver's
decision with the condition photos."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from app.domain.i18n import tr
from app.domain.seal_check import form_qr_visit
from sync.server.console.access import LabForm, LabManage, LabOverride, lab_may
from sync.server.console.pages import lab_common as lc
from sync.server.console.web import lang_of, redirect, render
from sync.server.deps import tx
from sync.server.lab import receipt, records
from sync.server.lab.common import MAX_FILE_BYTES, LabError
from sync.server.lab.decode import seal_texts

router = APIRouter(prefix="/console/lab", include_in_schema=False)


def _receive_url(expected: str = "") -> str:
    return "/console/lab/receive" + (f"?form={quote(expected)}" if expected else "")


@router.get("/receive")
def receive_page(request: Request, user: LabManage, form: str = ""):
    expected = None
    if form:
        with tx(request) as session:
            expected = records.by_visit(session=session, visit_id=form)
            if expected is not None and expected.record.agency_id != user.agency_id:
                expected = None
    return render(request, "lab/receive.html", user, expected=expected, form_visit=form if expected else "")


def _scan(request: Request, user, text: str, expected: str):
    visit = form_qr_visit(text)
    if visit is not None:                      # the sampling form's QR: receive that record's packages next
        return redirect(request, _receive_url(visit))
    try:
        with tx(request) as session:
            sample = receipt.scan(session=session, text=text, actor=lc.actor(user), now=lc.now(request),
                                  expected_visit_id=expected)
            sample_id = sample.id
    except LabError as e:
        return lc.refused(request, _receive_url(expected), e)
    return redirect(request, f"/console/lab/samples/{sample_id}/receipt")


@router.post("/scan")
def scan(request: Request, user: LabManage, form: LabForm):
    text = str(form.get("payload") or "")
    expected = str(form.get("expected") or "")
    if not text.strip():
        return redirect(request, _receive_url(expected), flash=tr("请扫描封条二维码", lang_of(request)), error=True)
    return _scan(request, user, text, expected)


@router.post("/scan/photo")
async def scan_photo(request: Request, user: LabManage, form: LabForm):
    expected = str(form.get("expected") or "")
    upload = form.get("photo")
    lang = lang_of(request)
    if upload is None or isinstance(upload, str) or not upload.filename:
        return redirect(request, _receive_url(expected), flash=tr("请选择封条照片", lang), error=True)
    data = await upload.read(MAX_FILE_BYTES + 1)
    try:
        texts = await run_in_threadpool(seal_texts, data)
    except LabError as e:
        return lc.refused(request, _receive_url(expected), e)
    if not texts:
        return redirect(request, _receive_url(expected), flash=tr("照片中没有找到封条二维码", lang), error=True)
    return await run_in_threadpool(_scan, request, user, texts[0], expected)


@router.get("/samples/{sample_id}/receipt")
def receipt_page(request: Request, user: LabManage, sample_id: int):
    lang = lang_of(request)
    with tx(request) as session:
        sample = lc.sample_of(session, user, sample_id)
        rec = records.by_visit(session=session, visit_id=sample.visit_id) if sample.record_id else None
        expected = (records.by_visit(session=session, visit_id=sample.expected_visit_id)
                    if sample.expected_visit_id else None)
        photos = receipt.photos(session=session, sample_id=sample.id, purpose="condition")
    return render(request, "lab/receipt.html", user, sample=sample, rec=rec, expected=expected, photos=photos,
                  findings=lc.finding_texts(sample, lang), refused=receipt.refused(sample),
                  red=bool(receipt.red(sample)), may_override=lab_may(user, "override"), kind=lc.KIND,
                  statuses=lc.STATUS)


async def _files(form, name: str) -> list[tuple[str, bytes]]:
    out = []
    for f in form.getlist(name):
        if isinstance(f, str) or not getattr(f, "filename", ""):
            continue
        out.append((f.filename, await f.read(MAX_FILE_BYTES + 1)))
    return out


@router.post("/samples/{sample_id}/receipt")
async def decide(request: Request, user: LabManage, form: LabForm, sample_id: int):
    photos = await _files(form, "photos")
    here = f"/console/lab/samples/{sample_id}/receipt"

    def save():
        with tx(request) as session:
            sample = lc.sample_of(session, user, sample_id)
            receipt.decide(session=session, store=request.app.state.blobs, sample=sample,
                           accept=form.get("decision") == "accept", seal_intact=form.get("seal_intact") == "1",
                           matches_form=form.get("matches_form") == "1", quantity_ok=form.get("quantity_ok") == "1",
                           reason=str(form.get("reason") or ""), new_photos=photos, actor=lc.actor(user),
                           now=lc.now(request), location=str(form.get("location") or ""))
            return sample.status, sample.seal_no
    try:
        status, seal_no = await run_in_threadpool(save)
    except LabError as e:
        return lc.refused(request, here, e)
    lang = lang_of(request)
    text = tr("封条 {no} 已接收", lang, no=seal_no) if status == "accepted" else tr("封条 {no} 已拒收", lang, no=seal_no)
    return redirect(request, f"/console/lab/samples/{sample_id}", flash=text)


@router.post("/samples/{sample_id}/override")
def override(request: Request, user: LabOverride, form: LabForm, sample_id: int):
    here = f"/console/lab/samples/{sample_id}/receipt"
    try:
        with tx(request) as session:
            sample = lc.sample_of(session, user, sample_id)
            receipt.override(session=session, sample=sample, reason=str(form.get("reason") or ""),
                             actor=lc.actor(user))
    except LabError as e:
        return lc.refused(request, here, e)
    return redirect(request, here, flash=tr("已强制放行，请完成接收检查", lang_of(request)))
