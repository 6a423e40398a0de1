"""Who may do what: every permission, the roles granted it, declared once
and enforced as FastAPI dependencies (after Netflix dispatch's
PermissionsDependency).

A route names the one permission it needs:

    @router.get("/tasks")
    def list_tasks(ctx: Annotated[Ctx, allow(Perm.TASKS_READ)]): ...

`allow(perm)` authenticates the bearer token (401), checks the caller's role
against GRANTS (403 auth.forbidden) and, for a permission in DEVICE_ONLY,
that the token is an enrolled device's and not a password session (403
auth.device_required). It yields the unit of work (session + principal) and
commits it before the reply is written. `principal_for(perm)` does the same
checks but keeps no transaction open (a long upload must not hold one).

Which rows of a kind a caller may see (its agency's, its team's) is decided
in visibility.py, and nowhere else.

Adding a role: a member of sync.protocol.roles.Role, its entry in
roles.ROLE_RULES, the permissions it gets in GRANTS, and its column in the
route x role table (tests/sync/route_table.py)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session

from sync.protocol.roles import Role
from sync.server.deps import Token
from sync.server.devices import service as devices
from sync.server.devices.service import Principal
from sync.server.errors import ApiError


class Perm(StrEnum):
    ME = "me"                               # who am I
    DEVICES_LIST = "devices.list"           # devices the caller may manage
    DEVICE_REVOKE = "devices.revoke"        # cut a device or session off
    DEVICE_KEYS = "devices.keys"            # public keys, to verify seals
    SYNC_PULL = "sync.pull"                 # server-owned data down
    RECORD_PUSH = "records.push"            # records and amendments up
    RECORD_STATUS = "records.status"        # is this record here and complete
    BLOB_UPLOAD = "blobs.upload"            # photos up (and which are missing)
    BLOB_READ = "blobs.read"                # photos down
    PROGRESS_READ = "progress.read"         # progress against the plan
    TASKS_READ = "tasks.read"               # the task list
    TASKS_MANAGE = "tasks.manage"           # assign, draw, cancel, reassign
    AUDIT_READ = "audit.read"               # the audit log
    ENROLL_CODES = "enroll_codes.manage"    # one-time enrollment codes for samplers
    RELEASE_PUBLISH = "release.publish"     # the app version samplers should run
    SHIPMENT_RECORD = "shipments.record"    # the courier shipment of a visit's samples (from the laptop)
    LAB_MANAGE = "lab.manage"               # receive samples, custody, paperwork, deliveries, disposal
    LAB_OVERRIDE = "lab.override"           # accept a seal the check refused, with a written reason
    LAB_MAPPING = "lab.mapping"             # see blind code -> sample (every view audited)
    LAB_TEST = "lab.test"                   # the blind bench: codes, products, hand-overs, results
    LAB_OVERSEE = "lab.oversee"             # read the lab's samples, reports, deadlines
    CONSOLE = "console.admin"               # the web console's pages (each narrowed by its agency)
    CONSOLE_PROVINCE = "console.province"   # console pages for the province only (agencies, all of the audit)


_S, _AA, _PA = Role.SAMPLER, Role.AGENCY_ADMIN, Role.PROVINCIAL_ADMIN
_LAB, _LM, _LT = Role.LAB, Role.LAB_MANAGER, Role.LAB_TESTER
_ALL = frozenset(Role)

# The one table of who may do what. Rows a permission reaches are narrowed
# by visibility.py (an agency admin's tasks are its agency's, and so on).
GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.ME: _ALL,
    Perm.DEVICES_LIST: _ALL,
    Perm.DEVICE_REVOKE: _ALL,
    Perm.DEVICE_KEYS: frozenset({_LAB, _LM, _AA, _PA}),
    Perm.SYNC_PULL: frozenset({_S}),
    Perm.RECORD_PUSH: frozenset({_S}),
    Perm.RECORD_STATUS: _ALL,
    Perm.BLOB_UPLOAD: frozenset({_S}),
    Perm.BLOB_READ: _ALL,
    Perm.PROGRESS_READ: frozenset({_AA, _PA}),
    Perm.TASKS_READ: frozenset({_S, _AA, _PA}),
    Perm.TASKS_MANAGE: frozenset({_AA, _PA}),
    Perm.AUDIT_READ: frozenset({_PA}),
    Perm.ENROLL_CODES: frozenset({_AA, _PA}),
    Perm.RELEASE_PUBLISH: frozenset({_PA}),
    Perm.SHIPMENT_RECORD: frozenset({_S}),
    # A tester sees blind codes only: no record, photo, party or device key.
    Perm.LAB_MANAGE: frozenset({_LAB, _LM}),
    Perm.LAB_OVERRIDE: frozenset({_LM}),
    Perm.LAB_MAPPING: frozenset({_LAB, _LM}),
    Perm.LAB_TEST: frozenset({_LAB, _LM, _LT}),
    Perm.LAB_OVERSEE: frozenset({_LAB, _LM, _AA, _PA}),
    Perm.CONSOLE: frozenset({_AA, _PA}),
    Perm.CONSOLE_PROVINCE: frozenset({_PA}),
}

# Only with an enrolled laptop's token: what a sampler's device syncs. A
# password session (POST /v1/auth/login) cannot push, pull or upload.
DEVICE_ONLY: frozenset[Perm] = frozenset({Perm.SYNC_PULL, Perm.RECORD_PUSH, Perm.BLOB_UPLOAD, Perm.SHIPMENT_RECORD})

if set(GRANTS) != set(Perm):
    raise RuntimeError("every Perm needs its GRANTS entry (sync/server/auth/permissions.py)")


def role_of(principal: Principal) -> Role | None:
    """None for a role this server does not know (it may do nothing)."""
    try:
        return Role(principal.user.role)
    except ValueError:
        return None


def role_granted(role: str | None, perm: Perm) -> bool:
    """Whether an account of this role (a Role or its stored string) has the
    permission; the web console asks this of its cookie session's user."""
    try:
        return Role(role) in GRANTS[perm]
    except ValueError:
        return False


def allowed(principal: Principal, perm: Perm) -> bool:
    return role_of(principal) in GRANTS[perm] and (perm not in DEVICE_ONLY or principal.device.kind == "device")


def check(principal: Principal, perm: Perm) -> None:
    """Raise the refusal the caller should see (also for the web console,
    which finds its principal in a cookie instead of a bearer token)."""
    if role_of(principal) not in GRANTS[perm]:
        raise ApiError(403, "auth.forbidden")
    if perm in DEVICE_ONLY and principal.device.kind != "device":
        raise ApiError(403, "auth.device_required")


@dataclass
class Ctx:
    """A request's unit of work and who is making it."""
    session: Session
    principal: Principal

    @property
    def user(self):
        return self.principal.user

    @property
    def actor(self) -> str:
        return self.principal.actor

    def finish(self) -> None:
        """Commit now, in the handler's thread (sync.server.routing)."""
        self.session.commit()


def _credentials(token: HTTPAuthorizationCredentials | None) -> str | None:
    return token.credentials if token else None


@contextmanager
def authorized(request: Request, token: HTTPAuthorizationCredentials | None, perm: Perm) -> Iterator[Ctx]:
    """Authenticate in a transaction of its own, then give the handler a
    new one. FastAPI runs this and a sync handler in two separate trips to
    the request threads; a request must not hold a pooled connection while
    it waits for a thread. Had it, 50 requests past authentication (the
    pool) would wait for the 4 threads, while those threads wait in the
    next requests' authentication for a connection: a worker deadlocked
    until the pool's timeout, then again (seen with 300 laptops at once)."""
    with request.app.state.db.sessions() as session:
        with session.begin():
            principal = devices.authenticate(session=session, token=_credentials(token))
            check(principal, perm)
        with session.begin():          # connects at the handler's first statement, in its thread
            yield Ctx(session, principal)


class _Allow:
    def __init__(self, perm: Perm):
        self.perm = perm

    def __call__(self, request: Request, token: Token) -> Iterator[Ctx]:
        with authorized(request, token, self.perm) as ctx:
            yield ctx


class _PrincipalOnly:
    def __init__(self, perm: Perm):
        self.perm = perm

    def __call__(self, request: Request, token: Token) -> Principal:
        with authorized(request, token, self.perm) as ctx:
            return ctx.principal


@cache
def _allow(perm: Perm) -> _Allow:
    return _Allow(perm)      # one instance per permission: FastAPI reuses it within a request


@cache
def _principal_only(perm: Perm) -> _PrincipalOnly:
    return _PrincipalOnly(perm)


def allow(perm: Perm) -> Any:
    """Depends(...) yielding a Ctx; the transaction ends (commit, or rollback
    on an error) when the handler returns, before the reply is sent."""
    return Depends(_allow(perm), scope="function")


def principal_for(perm: Perm) -> Any:
    """Depends(...) giving the checked Principal; no transaction kept open."""
    return Depends(_principal_only(perm))
