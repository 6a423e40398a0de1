"""Inspected parties (受检单位): the list and the import from CSV or .xlsx
(bad rows reported by line number, good rows kept)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from sync.server.console.access import Admin, AdminForm
from sync.server.console.web import render, text
from sync.server.deps import tx
from sync.server.parties import service as parties
from sync.server.parties import xlsx
from sync.server.parties.models import Party

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_IMPORT_BYTES = 20 * 1024 * 1024
PER_PAGE = 100


def _list(session, q: str, page: int):
    query = select(Party).order_by(Party.name)
    if q.strip():
        like = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Party.name.ilike(like, escape="\\") | Party.credit_code.ilike(like, escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE))), total


@router.get("/parties")
def party_list(request: Request, user: Admin, q: str = "", page: int = 1):
    with tx(request) as session:
        rows, total = _list(session, q[:100], page)
    return render(request, "parties.html", user, rows=rows, total=total, q=q, page=max(page, 1), per_page=PER_PAGE,
                  report=None)


@router.post("/parties/import")
async def party_import(request: Request, user: Admin, form: AdminForm):
    upload = form.get("file")
    report, error = None, ""
    if upload is None or isinstance(upload, str) or not upload.filename:
        error = text(request, "party.import.no_file")
    else:
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        name = upload.filename
        from fastapi.concurrency import run_in_threadpool
        report, error = await run_in_threadpool(_import, request, user, name, data)
    from fastapi.concurrency import run_in_threadpool
    rows, total = await run_in_threadpool(_list_tx, request)
    return render(request, "parties.html", user, rows=rows, total=total, q="", page=1, per_page=PER_PAGE,
                  report=report, error=error, status=200 if not error else 422)


def _list_tx(request: Request):
    with tx(request) as session:
        return _list(session, "", 1)


def _import(request: Request, user, name: str, data: bytes):
    if len(data) > MAX_IMPORT_BYTES:
        return None, text(request, "fu.too_large", mb=MAX_IMPORT_BYTES // 2 ** 20)
    try:
        with tx(request) as session:
            if name.lower().endswith(".xlsx") or data[:2] == b"PK":
                return xlsx.import_xlsx(session=session, data=data, actor=user.username, source=name[:200]), ""
            try:
                content = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                content = data.decode("gb18030")        # a CSV saved by Excel on a Chinese Windows
            return parties.import_csv(session=session, text=content, actor=user.username, source=name[:200]), ""
    except (xlsx.SheetError, UnicodeDecodeError) as e:
        return None, text(request, "party.import.bad_file", error=str(e)[:200])
