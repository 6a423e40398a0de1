"""Receive records and amendments: exactly once, re-checked, complete only
with every photo.

Idempotency follows OpenRosa: the client id is the key; the same id with the
same hash is "already have it" (200), with another hash a conflict (409). The
uniqueness is in the database; a concurrent twin that loses the insert race
re-reads and answers as a duplicate."""
from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import record_signature
from app.domain.canonical import canonical_bytes, canonical_hash
from sync.protocol.messages import problem
from sync.protocol.schemas import PushResult, RecordPush, RecordStatus
from sync.server.audit import service as audit
from sync.server.auth import visibility
from sync.server.blobs import service as blobs
from sync.server.blobs.store import SHA_RE
from sync.server.db import utcnow
from sync.server.devices.service import Principal
from sync.server.errors import ApiError
from sync.server.lab import receipt as lab_receipt
from sync.server.plan.models import PlanItem
from sync.server.records import fields
from sync.server.records.checks import party_problems, record_problems, task_problems
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto
from sync.server.tasks import service as tasks
from sync.server.tasks.models import Task

CLOCK_SKEW_TOLERANCE = timedelta(minutes=5)


def _photos(document: dict) -> list[str]:
    return sorted({h for h in document.get("photo_hashes") or [] if isinstance(h, str) and SHA_RE.match(h)})


def _missing(session: Session, team_id: str | None, hashes: list[str]) -> list[str]:
    """The photos the team that made the record has not uploaded itself (a
    blob someone else sent does not count: proof of possession)."""
    if not hashes:
        return []
    return blobs.missing(session=session, team_id=team_id, hashes=hashes)


def record_photos(session: Session, record: Record) -> list[str]:
    return list(session.scalars(select(RecordPhoto.sha256).where(RecordPhoto.record_id == record.id)))


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _answer(session: Session, team_id: str | None, status: str, client_id: str, record_hash: str, received_at,
            photos) -> PushResult:
    missing = _missing(session, team_id, photos)
    return PushResult(client_id=client_id, status=status, record_hash=record_hash, received_at=received_at,
                      complete=not missing, missing_photos=missing)


def _no_sample_reason(document: dict) -> str:
    n = document.get("no_sample") or {}
    return str(n.get("reason") or "") if isinstance(n, dict) else ""


def _owns(principal: Principal, rec: Record) -> bool:
    """The team that made the visit owns its record: its devices (and the
    laptop that sent it) alone may send it again or amend it."""
    u = principal.user
    return rec.agency_id == u.agency_id and (
        rec.device_id == principal.device.id or (rec.team_id is not None and rec.team_id == u.team_id))


def _conflict(push: RecordPush) -> tuple[int, PushResult]:
    """Someone else's record or amendment has this id: say nothing about it."""
    return 409, PushResult(client_id=push.client_id, status="conflict", problems=[problem("sync.conflict")])


def _existing(session: Session, principal: Principal, push: RecordPush) -> tuple[int, PushResult] | None:
    """An earlier delivery of this record (by client id, or by visit id)."""
    # One read for both (the client id's own record first): most pushes are
    # new, and used to cost two.
    rec = session.scalar(select(Record).where(or_(Record.client_id == push.client_id,
                                                  Record.visit_id == push.visit_id))
                         .order_by((Record.client_id == push.client_id).desc()).limit(1))
    if rec is None:
        return None
    if not _owns(principal, rec):
        return _conflict(push)
    if rec.record_hash != push.record_hash or rec.visit_id != push.visit_id:
        return 409, PushResult(client_id=push.client_id, status="conflict", record_hash=rec.record_hash,
                               received_at=rec.received_at, problems=[problem("sync.conflict")])
    return 200, _answer(session, rec.team_id, "duplicate", push.client_id, rec.record_hash, rec.received_at,
                        record_photos(session, rec))


def _reject(session: Session, principal: Principal, push: RecordPush, problems) -> tuple[int, PushResult]:
    audit.log(session=session, actor=principal.actor, device_id=principal.device.id, action=f"{push.kind}.rejected",
              target=push.client_id, detail={"codes": [p.code for p in problems], "visit_id": push.visit_id})
    return 422, PushResult(client_id=push.client_id, status="rejected", record_hash=push.record_hash,
                           problems=problems)


def _check_signature(principal: Principal, push: RecordPush) -> None:
    """The hash is signed by the key this device registered at enrollment.
    A wrong signature means the sender is not that laptop (or the laptop's
    key changed since): 401, the sampler signs in again, which registers the
    laptop's key; the record stays queued, not set aside."""
    try:
        key = base64.b64decode(principal.device.public_key or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not record_signature.verify(key, push.kind, push.record_hash, push.signature):
        raise ApiError(401, "auth.signature_invalid", headers={"WWW-Authenticate": "Bearer"})


def push(*, session: Session, principal: Principal, push: RecordPush) -> tuple[int, PushResult]:
    """Returns (HTTP status, result). The caller commits before replying."""
    expected = canonical_hash(push.document)
    if expected != push.record_hash:
        return _reject(session, principal, push, [problem("sync.hash_mismatch", "record_hash", expected=expected[:12])])
    if not push.signature:
        return _reject(session, principal, push, [problem("sync.signature_missing", "signature")])
    _check_signature(principal, push)
    if push.kind == "amendment":
        return _push_amendment(session, principal, push)
    earlier = _existing(session, principal, push)
    if earlier:
        return earlier
    task = session.get(Task, push.task_id, with_for_update=True) if push.task_id else None
    problems = task_problems(task=task, task_id=push.task_id, user=principal.user)
    problems = problems or party_problems(session=session, task=task, document=push.document)
    if problems:
        return _reject(session, principal, push, problems)
    now = utcnow()
    item = session.get(PlanItem, task.plan_item_id)
    rec = Record(client_id=push.client_id, visit_id=push.visit_id, record_hash=push.record_hash, task_id=task.id,
                 plan_item_id=task.plan_item_id, party_id=task.party_id, agency_id=task.agency_id,
                 team_id=principal.user.team_id, user_id=principal.user.id, device_id=principal.device.id,
                 status=push.document["status"],
                 product=item.product, document=canonical_bytes(push.document).decode("utf-8"),
                 **fields.from_document(push.document),
                 **fields.timing(finished_at=_parse_time(push.document.get("finished_at")), device_time=push.device_time,
                                 received_at=now),
                 finished_at=_parse_time(push.document.get("finished_at")), device_time=push.device_time,
                 received_at=now, signature=push.signature)
    photos = _photos(push.document)
    # Write first, then take the plan item's lock for the quota check: the
    # lock that every push of this product waits for is held only for the
    # counts, the change-log entry and the commit.
    saved = session.begin_nested()
    try:
        session.add(rec)
        session.flush()
        session.add_all(RecordPhoto(record_id=rec.id, sha256=h) for h in photos)
        session.flush()
    except IntegrityError:
        # A twin with this id committed first: answer as it would be answered.
        saved.rollback()
        earlier = _existing(session, principal, push)
        if earlier:
            return earlier
        raise
    missing = _missing(session, rec.team_id, photos)
    problems = record_problems(session=session, document=push.document, task=task, visit_id=push.visit_id)
    if problems:
        saved.rollback()
        return _reject(session, principal, push, problems)
    saved.commit()
    lab_receipt.reconcile(session=session, record=rec)     # seals the lab received before the record came
    skew = (now - push.device_time).total_seconds()
    audit.log(session=session, actor=principal.actor, device_id=principal.device.id, action="record.received",
              target=push.client_id, detail={"visit_id": push.visit_id, "hash": push.record_hash,
                                             "clock_skew_s": round(skew, 1) if abs(skew) > 60 else 0})
    # Last: the task's change takes the change log's lock, which every
    # writer of every product waits for; it is held only until the commit.
    if rec.status == "finished":
        tasks.mark_done(session=session, task=task)
    elif rec.status == "no_sample":
        # nothing to sample there: the task closes and its plan slot is free
        tasks.close_no_sample(session=session, task=task, reason=_no_sample_reason(push.document))
    return 201, PushResult(client_id=push.client_id, status="created", record_hash=push.record_hash,
                           received_at=now, complete=not missing, missing_photos=missing)


def _push_amendment(session: Session, principal: Principal, push: RecordPush) -> tuple[int, PushResult]:
    doc = push.document
    signature = _photos({"photo_hashes": [doc.get("party_signature_sha256")]})
    rec = session.scalar(select(Record).where(Record.visit_id == push.visit_id).with_for_update())
    if rec is None or not _owns(principal, rec):
        # Another team's visit is answered as if it did not exist (no fork,
        # no chain probing); the attempt is kept for the province.
        if rec is not None:
            audit.log(session=session, actor=principal.actor, device_id=principal.device.id,
                      action="amendment.not_owner", target=push.client_id,
                      detail={"visit_id": push.visit_id, "team": principal.user.team_id, "owner_team": rec.team_id})
        return _reject(session, principal, push, [problem("sync.base_missing", "visit_id")])
    am = session.scalar(select(AmendmentRecord).where(
        (AmendmentRecord.client_id == push.client_id) | (AmendmentRecord.hash == push.record_hash)))
    if am is not None:
        if am.record_id != rec.id:
            return _conflict(push)
        if am.hash != push.record_hash:
            return 409, PushResult(client_id=push.client_id, status="conflict", record_hash=am.hash,
                                   problems=[problem("sync.conflict")])
        return 200, _answer(session, rec.team_id, "duplicate", push.client_id, am.hash, am.received_at, signature)
    chain = list(session.scalars(select(AmendmentRecord).where(AmendmentRecord.record_id == rec.id)
                                 .order_by(AmendmentRecord.id)))
    head = chain[-1].hash if chain else rec.record_hash
    if doc.get("prev_hash") != head:
        if any(a.prev_hash == doc.get("prev_hash") for a in chain):
            return 409, PushResult(client_id=push.client_id, status="conflict", problems=[problem("sync.conflict")])
        return _reject(session, principal, push, [problem("sync.chain_broken", "prev_hash")])
    now = utcnow()
    try:
        with session.begin_nested():
            session.add(AmendmentRecord(client_id=push.client_id, record_id=rec.id, hash=push.record_hash,
                                        prev_hash=doc["prev_hash"], document=canonical_bytes(doc).decode("utf-8"),
                                        signature_sha256=signature[0] if signature else "",
                                        device_id=principal.device.id, device_time=push.device_time,
                                        received_at=now, signature=push.signature))
            session.flush()
    except IntegrityError:
        return _push_amendment(session, principal, push)
    for col, value in fields.amended(str(doc.get("path") or ""), str(doc.get("new_value") or "")).items():
        setattr(rec, col, value)             # the lists and the summary show the corrected value
    audit.log(session=session, actor=principal.actor, device_id=principal.device.id, action="amendment.received",
              target=push.client_id, detail={"visit_id": push.visit_id, "hash": push.record_hash})
    return 201, _answer(session, rec.team_id, "created", push.client_id, push.record_hash, now, signature)


def status(*, session: Session, principal: Principal, client_id: str) -> RecordStatus:
    """A record or amendment the caller may see (auth.visibility), else 404."""
    rec = session.scalar(select(Record).where(Record.client_id == client_id))
    if rec is None:
        am = session.scalar(select(AmendmentRecord).where(AmendmentRecord.client_id == client_id))
        base = session.get(Record, am.record_id) if am else None
        if am is None or not visibility.may_see_record(session, principal, base):
            raise ApiError(404, "not_found", what=client_id)
        missing = _missing(session, base.team_id, [am.signature_sha256] if am.signature_sha256 else [])
        return RecordStatus(client_id=client_id, kind="amendment", record_hash=am.hash, received_at=am.received_at,
                            complete=not missing, missing_photos=missing)
    if not visibility.may_see_record(session, principal, rec):
        raise ApiError(404, "not_found", what=client_id)
    missing = _missing(session, rec.team_id, record_photos(session, rec))
    return RecordStatus(client_id=client_id, kind="record", record_hash=rec.record_hash, received_at=rec.received_at,
                        complete=not missing, missing_photos=missing)
