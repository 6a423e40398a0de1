"""Agencies, teams and users: add, disable/enable, reset a password. The
province manages every agency; an agency admin their own teams and users."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from sync.server.auth import service as accounts
from sync.protocol.roles import Role
from sync.server.auth.models import Agency, Team, User
from sync.server.auth.passwords import generate_password
from sync.server.auth.roles import ROLE_RULES
from sync.server.console.access import Admin, AdminForm, PageError, agency_scope, ensure_visible
from sync.server.console.web import redirect, render, text
from sync.server.deps import tx

router = APIRouter(prefix="/console", include_in_schema=False)
ROLES = tuple(r.value for r in Role)
AGENCY_ROLES = tuple(r.value for r in Role if ROLE_RULES[r].in_agency)     # what an agency admin may create


def _page(request: Request, user, *, message: str = "", error: str = "", status: int = 200):
    scope = agency_scope(user)
    with tx(request) as session:
        agencies = select(Agency).order_by(Agency.id)
        teams = select(Team).order_by(Team.agency_id, Team.id)
        users = select(User).order_by(User.agency_id, User.role, User.username)
        if scope is not None:
            agencies, teams = agencies.where(Agency.id == scope), teams.where(Team.agency_id == scope)
            users = users.where(User.agency_id == scope)
        data = {"agencies": list(session.scalars(agencies)), "teams": list(session.scalars(teams)),
                "users": list(session.scalars(users))}
    roles = ROLES if scope is None else AGENCY_ROLES
    return render(request, "people.html", user, status=status, message=message, error=error, roles=roles, **data)


@router.get("/people")
def people(request: Request, user: Admin):
    return _page(request, user)


@router.post("/people/agencies")
def add_agency(request: Request, user: Admin, form: AdminForm):
    if agency_scope(user) is not None:
        raise PageError(403, "error.403")
    agency_id, name = str(form.get("id") or "").strip(), str(form.get("name") or "").strip()
    if not agency_id or not name:
        return _page(request, user, error=text(request, "people.id") + " / " + text(request, "people.name"), status=422)
    with tx(request) as session:
        accounts.add_agency(session=session, id=agency_id[:64], name=name[:200],
                            address=str(form.get("address") or "")[:300], phone=str(form.get("phone") or "")[:50],
                            actor=user.username)
    return redirect(request, "/console/people", flash=text(request, "people.saved", what=name))


@router.post("/people/teams")
def add_team(request: Request, user: Admin, form: AdminForm):
    scope = agency_scope(user)
    agency_id = scope if scope is not None else str(form.get("agency_id") or "")
    team_id, name = str(form.get("id") or "").strip(), str(form.get("name") or "").strip()
    try:
        with tx(request) as session:
            existing = session.get(Team, team_id)
            if existing is not None:
                ensure_visible(user, existing)
            accounts.add_team(session=session, id=team_id[:64], agency_id=agency_id, name=name[:100] or team_id,
                              actor=user.username)
    except ValueError as e:
        return _page(request, user, error=str(e), status=422)
    return redirect(request, "/console/people", flash=text(request, "people.saved", what=name or team_id))


@router.post("/people/users")
def add_user(request: Request, user: Admin, form: AdminForm):
    scope = agency_scope(user)
    role = str(form.get("role") or "")
    if scope is not None and role not in AGENCY_ROLES:
        raise PageError(403, "error.403")
    agency_id = scope if scope is not None else (str(form.get("agency_id") or "") or None)
    rules = ROLE_RULES.get(Role(role)) if role in ROLES else None
    if rules is not None and not rules.in_agency:
        agency_id = None
    username = str(form.get("username") or "").strip()
    password = generate_password()
    try:
        with tx(request) as session:
            accounts.add_user(session=session, username=username[:64], password=password, role=role,
                              name=str(form.get("name") or "").strip()[:100], agency_id=agency_id,
                              team_id=(str(form.get("team_id") or "") or None) if rules and rules.in_team else None,
                              certificate_no=str(form.get("certificate_no") or "")[:100],
                              phone=str(form.get("phone") or "")[:50], actor=user.username)
    except ValueError as e:
        return _page(request, user, error=str(e), status=422)
    return _page(request, user, message=text(request, "people.user_added", user=username, password=password))


def _visible_user(session, user, user_id: str) -> User:
    return ensure_visible(user, session.get(User, user_id))


@router.post("/people/users/{user_id}/active")
def set_active(request: Request, user: Admin, form: AdminForm, user_id: str):
    active = str(form.get("active") or "") == "1"
    with tx(request) as session:
        target = _visible_user(session, user, user_id)
        if target.id == user.id:
            raise PageError(403, "error.403")          # no locking oneself out
        accounts.set_active(session=session, username=target.username, active=active, actor=user.username)
        name = target.username
    return redirect(request, "/console/people",
                    flash=text(request, "people.enabled" if active else "people.disabled", user=name))


@router.post("/people/users/{user_id}/password")
def reset_password(request: Request, user: Admin, form: AdminForm, user_id: str):
    password = generate_password()
    with tx(request) as session:
        target = _visible_user(session, user, user_id)
        accounts.set_password(session=session, username=target.username, password=password, actor=user.username)
        name = target.username
    return _page(request, user, message=text(request, "people.password_reset", user=name, password=password))
