"""One-time enrollment codes for a sampler's new laptop: make one (shown
once, as text and as a QR the laptop's first-run screen scans), list them
(never the code itself: only its hash is kept), cancel one not yet used.
A thin view over sync.server.enrollment.service, as the API's routes are;
whose codes an admin reaches is visibility.may_manage_sampler (an agency
admin: its agency's samplers; the province: all), else 404."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from app.domain.i18n import N_, tr
from sync.protocol.enrollment import qr_text
from sync.protocol.roles import Role
from sync.server.auth.models import User
from sync.server.auth.visibility import may_manage_sampler
from sync.server.console.access import AdminForm, Enroller, PageError, agency_scope, ensure_visible
from sync.server.console.qr_svg import qr_svg
from sync.server.console.session import ConsoleUser
from sync.server.console.web import lang_of, redirect, render
from sync.server.db import utcnow
from sync.server.deps import tx
from sync.server.devices.models import Device
from sync.server.devices.service import Principal
from sync.server.enrollment import service
from sync.server.enrollment.models import EnrollmentCode
from sync.server.enrollment.routes import public_url
from sync.server.errors import ApiError

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE = "/console/enrollment"
PER_PAGE = 50


def _say(request: Request, text: str, **params) -> str:
    return tr(text, "en" if lang_of(request) == "en" else "zh_CN", **params)


def _principal(session, user: ConsoleUser) -> Principal:
    """The console user as the service's caller (the same rules as the API's)."""
    return Principal(user=session.get(User, user.id), device=session.get(Device, user.device_id))


def _samplers(session, user: ConsoleUser) -> list[User]:
    q = (select(User).where(User.role == Role.SAMPLER.value, User.active.is_(True))
         .order_by(User.agency_id, User.team_id, User.username))
    scope = agency_scope(user)
    return list(session.scalars(q if scope is None else q.where(User.agency_id == scope)))


def _page(request: Request, user: ConsoleUser, *, owner_id: str = "", hours: str = "", error: str = "",
          status: int = 200, page: int = 1):
    page = max(page, 1)
    with tx(request) as session:
        owner = ensure_visible(user, session.get(User, owner_id)) if owner_id else None
        who = dict(session=session, principal=_principal(session, user), username=owner.username if owner else None)
        total = service.count_codes(**who)
        codes = service.list_codes(**who, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        rows = [service.out(row, username) for row, username in codes]
        names = dict(session.execute(select(User.username, User.name)
                                     .where(User.username.in_({r.username for r in rows}))).all())
        samplers = _samplers(session, user)
    return render(request, "enrollment.html", user, status=status, rows=rows, names=names, samplers=samplers,
                  owner=owner, hours=hours or str(service.DEFAULT_HOURS), error=error,
                  total=total, page=page, per_page=PER_PAGE)


@router.get("/enrollment")
def codes(request: Request, user: Enroller, page: int = 1):
    # ?user= (a user id, from the people and devices pages): that sampler preselected, its codes only
    return _page(request, user, owner_id=request.query_params.get("user", ""), page=page)


@router.post("/enrollment")
def make_code(request: Request, user: Enroller, form: AdminForm):
    owner_id, raw_hours = str(form.get("user") or ""), str(form.get("hours") or "").strip()[:10]
    if not owner_id:
        return _page(request, user, hours=raw_hours, error=_say(request, N_("请选择抽样人员")), status=422)
    hours = int(raw_hours) if raw_hours.isdigit() else 0          # 0: refused by the service, with its message
    try:
        with tx(request) as session:
            owner = ensure_visible(user, session.get(User, owner_id))     # another agency's sampler: 404
            row, code = service.create_code(session=session, username=owner.username, hours=hours,
                                            actor=user.username, principal=_principal(session, user))
            issued, owner_name, username = service.out(row, owner.username), owner.name, owner.username
    except ApiError as e:
        if e.status == 404:
            raise PageError(404, "error.404") from None
        said = e.error.en if lang_of(request) == "en" else e.error.zh
        return _page(request, user, owner_id=owner_id, hours=raw_hours, error=said, status=422)
    server = public_url(request)
    text = qr_text(server, code, username)
    # Rendered, not redirected to: the plain code exists only in this answer (no-store), never in a cookie.
    return render(request, "enrollment_code.html", user, code=code, issued=issued, owner_name=owner_name,
                  owner_id=owner_id, server=server, qr_text=text, qr=qr_svg(text, label=code))


def _visible_code(session, user: ConsoleUser, code_id: str) -> tuple[EnrollmentCode, User]:
    row = session.get(EnrollmentCode, code_id)
    owner = session.get(User, row.user_id) if row else None
    if row is None or not may_manage_sampler(_principal(session, user), owner):
        raise PageError(404, "error.404")
    return row, owner


@router.get("/enrollment/{code_id}/cancel")
def cancel_confirm(request: Request, user: Enroller, code_id: str):
    with tx(request) as session:
        row, owner = _visible_code(session, user, code_id)
        issued = service.out(row, owner.username)
    return render(request, "enrollment_cancel.html", user, issued=issued, owner=owner)


@router.post("/enrollment/{code_id}/cancel")
def cancel(request: Request, user: Enroller, form: AdminForm, code_id: str):
    with tx(request) as session:
        row, owner = _visible_code(session, user, code_id)
        was = service.state(row, utcnow())
        if was == "active":
            service.cancel_code(session=session, code_id=row.id, actor=user.username,
                                principal=_principal(session, user))
        name = owner.username
    if was != "active":
        return redirect(request, PAGE, error=True,
                        flash=_say(request, N_("{user} 的这个登记码已不可用，无需作废"), user=name))
    return redirect(request, PAGE, flash=_say(request, N_("已作废 {user} 的登记码"), user=name))
