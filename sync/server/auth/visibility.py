"""Which rows a caller may see or act on: the one place that says so.

permissions.py decides whether a role may use a route at all; these rules
narrow what that route reaches. Lists are filtered with the SQL conditions
below, and a single object outside them is answered 404 (not 403), so that
nobody learns another agency's ids exist.

- The province sees everything.
- An agency admin: its agency's tasks, records, devices, keys and progress.
- A sampler: its team's tasks, the records it or its team sent (the team
  that made the visit, which alone may amend it), the devices and sessions
  of its own account.
- The lab (检验机构 receiving samples) of an agency: the records of its
  agency that carry samples (status finished) with their amendments, and
  those records' photos and signature images; the keys of its agency's
  devices, to verify seals.
- A record's photo is shown only if the team that made the record uploaded
  those bytes itself (blobs.models.BlobHolder).
  No tasks (who is to be sampled next, party contacts), no progress, no
  devices but its own sessions, nothing of another agency.
- An account whose agency is missing where its role needs one sees nothing.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from sync.protocol.roles import Role
from sync.server.auth.models import User
from sync.server.auth.permissions import role_of
from sync.server.blobs.models import Blob, BlobHolder
from sync.server.devices.models import Device
from sync.server.devices.service import Principal
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto
from sync.server.tasks.models import Task

ALL = None          # an agency scope that reaches every agency
NONE = ""           # an agency scope that reaches none (no agency has an empty id)


def agency_scope(p: Principal, *roles: Role) -> str | None:
    """The agency a caller of one of `roles` is confined to: ALL for the
    province, its own agency for those roles, NONE for anyone else."""
    role = role_of(p)
    if role == Role.PROVINCIAL_ADMIN:
        return ALL
    if role in roles:
        return p.user.agency_id or NONE
    return NONE


def task_filter(p: Principal) -> ColumnElement[bool]:
    role, u = role_of(p), p.user
    if role == Role.PROVINCIAL_ADMIN:
        return true()
    if role == Role.AGENCY_ADMIN and u.agency_id:
        return Task.agency_id == u.agency_id
    if role == Role.SAMPLER and u.team_id and u.agency_id:
        return and_(Task.team_id == u.team_id, Task.agency_id == u.agency_id)
    return false()


def task_manage_scope(p: Principal) -> str | None:
    """Assign, draw, cancel, reassign: an agency admin within its agency."""
    return agency_scope(p, Role.AGENCY_ADMIN)


def record_filter(p: Principal) -> ColumnElement[bool]:
    role, u = role_of(p), p.user
    if role == Role.PROVINCIAL_ADMIN:
        return true()
    if not u.agency_id:
        return false()
    if role == Role.AGENCY_ADMIN:
        return Record.agency_id == u.agency_id
    if role in (Role.LAB, Role.LAB_MANAGER):      # a tester: none (blind codes only)
        return and_(Record.agency_id == u.agency_id, Record.status == "finished")
    if role == Role.SAMPLER:       # the team that made the visit (a task may have moved on since)
        return or_(Record.user_id == u.id, and_(Record.agency_id == u.agency_id, Record.team_id == u.team_id))
    return false()


def may_see_record(session: Session, p: Principal, rec: Record | None) -> bool:
    if rec is None:
        return False
    return session.scalar(select(Record.id).where(Record.id == rec.id, record_filter(p))) is not None


def device_owner_filter(p: Principal) -> ColumnElement[bool]:
    """Devices (and sessions) a caller may list and revoke, by their owner."""
    role, u = role_of(p), p.user
    if role == Role.PROVINCIAL_ADMIN:
        return true()
    if role == Role.AGENCY_ADMIN and u.agency_id:
        return or_(User.agency_id == u.agency_id, User.id == u.id)
    return User.id == u.id


def may_manage_sampler(p: Principal | None, user: User | None) -> bool:
    """Whose enrollment codes a caller makes and sees: the CLI (no
    principal) and the province any sampler's, an agency admin its agency's."""
    if user is None:
        return False
    if p is None:
        return True
    scope = agency_scope(p, Role.AGENCY_ADMIN)
    return scope is ALL or (scope != NONE and user.agency_id == scope)


def managed_sampler_filter(p: Principal | None) -> ColumnElement[bool]:
    """may_manage_sampler as a condition on User, for lists."""
    if p is None:
        return true()
    scope = agency_scope(p, Role.AGENCY_ADMIN)
    if scope is ALL:
        return true()
    return false() if scope == NONE else User.agency_id == scope


def may_manage_device(session: Session, p: Principal, owner: User | None) -> bool:
    if owner is None:
        return False
    return session.scalar(select(User.id).where(User.id == owner.id, device_owner_filter(p))) is not None


def key_scope(p: Principal) -> str | None:
    """Whose device keys a caller may read (to verify seals)."""
    return agency_scope(p, Role.AGENCY_ADMIN, Role.LAB, Role.LAB_MANAGER)


def may_read_key(p: Principal, device: Device | None, owner: User | None) -> bool:
    if device is None or owner is None or device.kind != "device":
        return False
    scope = key_scope(p)
    return scope is ALL or (scope != NONE and owner.agency_id == scope)


def progress_scope(p: Principal) -> str | None:
    return agency_scope(p, Role.AGENCY_ADMIN)


def may_read_blob(session: Session, p: Principal, sha256: str) -> bool:
    """The province: every verified blob. A sampler: what its team uploaded.
    Others: a photo or signature image of a record they may see, and only
    if the team that made that record uploaded those bytes itself (a hash
    cited without the bytes shows nothing: proof of possession)."""
    role = role_of(p)
    if role == Role.PROVINCIAL_ADMIN:
        return session.get(Blob, sha256) is not None
    if role == Role.SAMPLER:
        return bool(p.user.team_id) and session.scalar(select(BlobHolder.sha256).where(
            BlobHolder.sha256 == sha256, BlobHolder.team_id == p.user.team_id).limit(1)) is not None
    held = select(BlobHolder.sha256).where(BlobHolder.sha256 == sha256, BlobHolder.team_id == Record.team_id).exists()
    photo = (select(Record.id).join(RecordPhoto, RecordPhoto.record_id == Record.id)
             .where(RecordPhoto.sha256 == sha256, record_filter(p), held).limit(1))
    signature = (select(Record.id).join(AmendmentRecord, AmendmentRecord.record_id == Record.id)
                 .where(AmendmentRecord.signature_sha256 == sha256, record_filter(p), held).limit(1))
    return session.scalar(photo) is not None or session.scalar(signature) is not None
