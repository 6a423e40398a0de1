"""Refusals (拒检) and problem reports (问题报送): state, documents, files."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from sync.server.console.access import Admin, AdminForm, PageError, agency_scope, ensure_visible
from sync.server.console.web import redirect, render, text
from sync.server.deps import tx
from sync.server.followups import service
from sync.server.followups.models import FollowUpFile
from sync.server.lab import overview as lab_overview
from sync.server.records.models import Record

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/followups")
def followups(request: Request, user: Admin, pending: int = 0):
    with tx(request) as session:
        items = service.items(session=session, scope=agency_scope(user), pending_only=bool(pending))
        rejected = lab_overview.rejections(session=session, agency_id=agency_scope(user))
    return render(request, "followups.html", user, items=items, pending=pending, lab_rejections=rejected)


def _record(session, user, record_id: int) -> Record:
    rec = ensure_visible(user, session.get(Record, record_id))
    if rec.status not in service.KINDS:
        raise PageError(404, "error.404")
    return rec


@router.post("/followups/{record_id}")
def update(request: Request, user: Admin, form: AdminForm, record_id: int):
    try:
        with tx(request) as session:
            rec = _record(session, user, record_id)
            service.update(session=session, record=rec, determination_done=form.get("determination_done") == "1",
                           determined_on=str(form.get("determined_on") or ""),
                           reported_to_province=form.get("reported_to_province") == "1",
                           reported_on=str(form.get("reported_on") or ""), note=str(form.get("note") or ""),
                           actor=user.username)
            no = rec.record_no
    except ValueError:
        return redirect(request, f"/console/followups#r{record_id}", flash=text(request, "fu.bad_date"), error=True)
    return redirect(request, f"/console/followups#r{record_id}", flash=text(request, "fu.updated", no=no))


@router.post("/followups/{record_id}/files")
async def attach(request: Request, user: Admin, form: AdminForm, record_id: int):
    def visible():
        with tx(request) as session:
            _record(session, user, record_id)
    await run_in_threadpool(visible)               # another agency's: 404 before anything else
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return redirect(request, "/console/followups", flash=text(request, "party.import.no_file"), error=True)
    data = await upload.read(service.MAX_FILE_BYTES + 1)
    if len(data) > service.MAX_FILE_BYTES:
        return redirect(request, "/console/followups", flash=text(request, "fu.too_large",
                                                                  mb=service.MAX_FILE_BYTES // 2 ** 20), error=True)

    def save():
        with tx(request) as session:
            rec = _record(session, user, record_id)
            service.attach(session=session, store=request.app.state.blobs, record=rec, filename=upload.filename,
                           media=upload.content_type or "", data=data, actor=user.username)
    await run_in_threadpool(save)
    return redirect(request, f"/console/followups#r{record_id}", flash=text(request, "fu.attached", name=upload.filename))


@router.get("/followups/{record_id}/files/{file_id}")
def download(request: Request, user: Admin, record_id: int, file_id: int):
    with tx(request) as session:
        _record(session, user, record_id)
        f = session.get(FollowUpFile, file_id)
        if f is None or f.record_id != record_id:
            raise PageError(404, "error.404")
        sha, name, media = f.sha256, f.filename, f.media
    store = request.app.state.blobs
    path = store.local_path(sha)
    if path is not None:
        return FileResponse(path, media_type=media, filename=name)
    return Response(b"".join(store.iter_bytes(sha)), media_type=media,       # an object store: no file here
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"})
