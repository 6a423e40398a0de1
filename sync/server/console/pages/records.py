"""Records: the filtered list, one record with everything it holds, its
documents as PDF regenerated from the stored record, its photos."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from sync.server.auth.models import Agency, Team, User
from sync.server.blobs import service as blob_service
from sync.server.blobs.models import BlobHolder
from sync.server.console.access import Admin, PageError, agency_scope, ensure_visible
from sync.server.console.web import lang_of, render
from sync.server.deps import tx
from sync.server.devices.models import Device
from sync.server.followups.models import FollowUpFile
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.records import documents, inspect, query
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto
from sync.server.tasks.models import Task

router = APIRouter(prefix="/console", include_in_schema=False)
PER_PAGE = 50


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_options(session, scope: str | None) -> dict:
    agencies = select(Agency).order_by(Agency.id)
    teams = select(Team).order_by(Team.agency_id, Team.id)
    if scope is not None:
        agencies, teams = agencies.where(Agency.id == scope), teams.where(Team.agency_id == scope)
    return {"items": list(session.scalars(select(PlanItem).order_by(PlanItem.plan_id.desc(), PlanItem.seq))),
            "agencies": list(session.scalars(agencies)), "teams": list(session.scalars(teams))}


@router.get("/records")
def records(request: Request, user: Admin, product: str = "", agency: str = "", team: str = "", party: str = "",
            date_from: str = "", date_to: str = "", outcome: str = "", q: str = "", late: str = "", page: int = 1):
    scope = agency_scope(user)
    f = query.RecordFilter(plan_item_id=product, agency_id=agency, team_id=team, party_id=party,
                           date_from=_date(date_from), date_to=_date(date_to), outcome=outcome, text=q[:100],
                           late_only=bool(late))
    with tx(request) as session:
        rows, total = query.search(session=session, f=f, scope=scope, page=page, per_page=PER_PAGE)
        options = filter_options(session, scope)
        party_row = session.get(Party, party) if party else None
    names = {a.id: a.name for a in options["agencies"]}
    team_names = {t.id: t.name for t in options["teams"]}
    return render(request, "records.html", user, rows=rows, total=total, page=max(page, 1), per_page=PER_PAGE,
                  f=f, party=party_row, agency_names=names, team_names=team_names, **options)


def _visible_record(session, user, record_id: int) -> Record:
    return ensure_visible(user, session.get(Record, record_id))


@router.get("/records/{record_id}")
def record_page(request: Request, user: Admin, record_id: int):
    with tx(request) as session:
        rec = _visible_record(session, user, record_id)
        v = inspect.view(session=session, record=rec)
        agency = session.get(Agency, rec.agency_id)
        task = session.get(Task, rec.task_id)
        team_id = rec.team_id or (task.team_id if task else None)      # the team that made the visit
        team = session.get(Team, team_id) if team_id else None
        sender = session.get(User, rec.user_id)
        device = session.get(Device, rec.device_id)
        photos = set(session.scalars(select(RecordPhoto.sha256).where(RecordPhoto.record_id == rec.id)))
        held = blob_service.held(session=session, team_id=rec.team_id, hashes=list(photos))
    blobs = request.app.state.blobs
    present = {sha for sha in photos if sha in held and blobs.has(sha)}     # only what its team uploaded
    docs = documents.names_for(v.visit) if v.visit else []
    return render(request, "record.html", user, v=v, rec=rec, visit=v.visit, agency=agency, task=task, team=team,
                  sender=sender, device=device, present=present, docs=docs,
                  field_labels=_field_labels(request, v.visit),
                  titles=documents.titles("en" if lang_of(request) == "en" else "zh_CN"))


def _field_labels(request: Request, visit) -> dict[str, str]:
    """The product fields' labels, from the product's sampling rule."""
    if visit is None or not visit.sample.product_fields:
        return {}
    with tx(request) as session:
        rule = documents.product_rule(session, visit.sample.product)
    en = lang_of(request) == "en"
    return {f.key: f.label_for("en" if en else "zh_CN") for f in (rule.fields if rule else ())}


@router.get("/records/{record_id}/documents/{name}.pdf")
def record_document(request: Request, user: Admin, record_id: int, name: str):
    with tx(request) as session:
        rec = _visible_record(session, user, record_id)
        v = inspect.view(session=session, record=rec)
        try:
            pdf = documents.build_pdf(session=session, view=v, name=name, blobs=request.app.state.blobs)
        except KeyError:
            raise PageError(404, "error.404") from None
    filename = f"{rec.record_no or rec.id}-{name}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


def _may_read_blob(session, user, sha256: str) -> bool:
    """A file attached to a record of the user's agency, or a photo or
    signature image of such a record that the team that made it uploaded
    itself (a hash it merely cites shows nothing: proof of possession)."""
    scope = agency_scope(user)
    held = select(BlobHolder.sha256).where(BlobHolder.sha256 == sha256, BlobHolder.team_id == Record.team_id).exists()
    q = (select(Record.id).join(RecordPhoto, RecordPhoto.record_id == Record.id)
         .where(RecordPhoto.sha256 == sha256, held))
    f = select(Record.id).join(FollowUpFile, FollowUpFile.record_id == Record.id).where(FollowUpFile.sha256 == sha256)
    a = (select(Record.id).join(AmendmentRecord, AmendmentRecord.record_id == Record.id)
         .where(AmendmentRecord.signature_sha256 == sha256, held))
    if scope is not None:
        q, f, a = q.where(Record.agency_id == scope), f.where(Record.agency_id == scope), a.where(Record.agency_id == scope)
    return any(session.scalar(x.limit(1)) is not None for x in (q, f, a))


@router.get("/blobs/{sha256}")
def blob(request: Request, user: Admin, sha256: str, thumb: int = 0):
    store = request.app.state.blobs
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise PageError(404, "error.404")
    with tx(request) as session:
        if not _may_read_blob(session, user, sha256) or not store.has(sha256):
            raise PageError(404, "error.404")
    headers = {"Cache-Control": "private, max-age=86400"}
    if thumb:
        data = _thumbnail(request, sha256)
        if data is not None:
            return Response(data, media_type="image/jpeg", headers=headers)
    return send_blob(store, sha256, headers=headers)


def send_blob(store, sha256: str, *, media_type: str = "", headers: dict | None = None,
              filename: str = "") -> Response:
    """The blob's bytes as a response from either backend: the file itself
    from the disk, the bytes read from an object store (no file here).
    media_type "" = sniffed from the first bytes; filename = a download."""
    headers = dict(headers or {})
    if filename:
        quoted = quote(filename)                          # as Starlette's FileResponse names a download
        headers["Content-Disposition"] = (f'attachment; filename="{filename}"' if quoted == filename
                                          else f"attachment; filename*=utf-8''{quoted}")
    path = store.local_path(sha256)
    if path is not None:
        if not media_type:
            with open(path, "rb") as f:
                media_type = _sniff(f.read(12))
        return FileResponse(path, media_type=media_type, headers=headers)
    data = b"".join(store.iter_bytes(sha256))
    return Response(data, media_type=media_type or _sniff(data[:12]), headers=headers)


def _sniff(head: bytes) -> str:
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return "application/octet-stream"


def _thumbnail(request: Request, sha256: str) -> bytes | None:
    """A 340 px JPEG made once and kept beside the blobs (derived: the
    original stays byte for byte)."""
    cache = request.app.state.settings.data_dir / "thumbs" / sha256[:2] / f"{sha256}.jpg"
    if cache.exists():
        return cache.read_bytes()
    from PIL import Image, UnidentifiedImageError
    try:
        store = request.app.state.blobs
        path = store.local_path(sha256)
        with Image.open(path if path is not None else io.BytesIO(b"".join(store.iter_bytes(sha256)))) as img:
            img.thumbnail((340, 340))
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError):
        return None
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(cache)
    return out.getvalue()



