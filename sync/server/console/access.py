"""Who may open which console page: the console's one authorization module.

- No session: the browser is sent to the sign-in page.
- Sampler and lab accounts: 403 on every admin page.
- A provincial admin sees everything; an agency admin only their agency's
  tasks, records, teams, users and devices: another agency's object is a
  404, so its existence is not confirmed.
- Every form that changes something carries the session's CSRF token.

Pages declare their permission as a dependency (Admin: Perm.CONSOLE,
Provincial: Perm.CONSOLE_PROVINCE; the roles granted each are in
sync/server/auth/permissions.py, with the API's) and call ensure_visible()
on every object they show by id. Every console route is a row of the route
x role table (tests/sync/route_table.py).
"""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from sync.protocol.roles import Role
from sync.server.auth.permissions import Perm, role_granted
from sync.server.console.session import ConsoleUser, current


class PageError(Exception):
    """Rendered as an HTML error page (console/__init__.py)."""

    def __init__(self, status: int, key: str):
        super().__init__(f"{status} {key}")
        self.status, self.key = status, key


def signed_in(request: Request) -> ConsoleUser:
    user = current(request)
    request.state.console_user = user           # the error pages show who is signed in
    return user


def admin(user: Annotated[ConsoleUser, Depends(signed_in)]) -> ConsoleUser:
    if not role_granted(user.role, Perm.CONSOLE):
        raise PageError(403, "error.403")
    return user


def provincial(user: Annotated[ConsoleUser, Depends(signed_in)]) -> ConsoleUser:
    if not role_granted(user.role, Perm.CONSOLE_PROVINCE):
        raise PageError(403, "error.403")
    return user


def enroller(user: Annotated[ConsoleUser, Depends(signed_in)]) -> ConsoleUser:
    """One-time enrollment codes: the API's permission (whose codes: visibility.may_manage_sampler)."""
    if not role_granted(user.role, Perm.ENROLL_CODES):
        raise PageError(403, "error.403")
    return user


SignedIn = Annotated[ConsoleUser, Depends(signed_in)]
Admin = Annotated[ConsoleUser, Depends(admin)]
Provincial = Annotated[ConsoleUser, Depends(provincial)]
Enroller = Annotated[ConsoleUser, Depends(enroller)]


def agency_scope(user: ConsoleUser) -> str | None:
    """None: every agency (the province); else the one agency a user sees."""
    return None if user.role == Role.PROVINCIAL_ADMIN else (user.agency_id or "\0none")


def may_see(user: ConsoleUser, agency_id: str | None) -> bool:
    scope = agency_scope(user)
    return scope is None or agency_id == scope


def ensure_visible(user: ConsoleUser, obj, agency_id: str | None = None):
    """The object, or a 404 when it is missing or of another agency."""
    if obj is None or not may_see(user, agency_id if agency_id is not None else getattr(obj, "agency_id", None)):
        raise PageError(404, "error.404")
    return obj


async def _csrf_checked(request: Request, user: ConsoleUser) -> FormData:
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, user.csrf):
        raise PageError(403, "error.csrf")
    return form


async def _admin_form(request: Request, user: Admin) -> FormData:
    return await _csrf_checked(request, user)


async def _any_form(request: Request, user: Annotated[ConsoleUser, Depends(signed_in)]) -> FormData:
    return await _csrf_checked(request, user)


# A posted form whose CSRF token matched (admins), and one for any signed-in
# user (sign-out).
AdminForm = Annotated[FormData, Depends(_admin_form)]
AnyForm = Annotated[FormData, Depends(_any_form)]


# --- The lab (检验机构): its pages' permissions are Perm.LAB_* in the one
# table of who may do what (sync/server/auth/permissions.py GRANTS).
LAB_PERMS: dict[str, Perm] = {"manage": Perm.LAB_MANAGE, "override": Perm.LAB_OVERRIDE,
                              "mapping": Perm.LAB_MAPPING, "test": Perm.LAB_TEST, "oversee": Perm.LAB_OVERSEE}


def lab_may(user: ConsoleUser, permission: str) -> bool:
    return role_granted(user.role, LAB_PERMS[permission])


def _lab(permission: str):
    def check(user: Annotated[ConsoleUser, Depends(signed_in)]) -> ConsoleUser:
        if not lab_may(user, permission):
            raise PageError(403, "error.403")
        return user
    return check


LabManage = Annotated[ConsoleUser, Depends(_lab("manage"))]
LabOverride = Annotated[ConsoleUser, Depends(_lab("override"))]
LabMapping = Annotated[ConsoleUser, Depends(_lab("mapping"))]
LabTest = Annotated[ConsoleUser, Depends(_lab("test"))]
LabOversee = Annotated[ConsoleUser, Depends(_lab("oversee"))]


async def _lab_form(request: Request, user: Annotated[ConsoleUser, Depends(signed_in)]) -> FormData:
    return await _csrf_checked(request, user)


# A posted lab form whose CSRF token matched (the route's own dependency
# checks the permission first).
LabForm = Annotated[FormData, Depends(_lab_form)]
