"""The exchange (fs-sync/2): a whole end-of-day sync in one request.

Each record goes through the same push as `POST /v1/records`
(records.service.push), in its own transaction, committed before the reply:
exactly once per record (the client id is the key, as for a single push)
and one record refused or failing never takes another with it. A batch cut
in the middle leaves the records before the cut stored; the retry answers
them "duplicate" and stores the rest."""
from __future__ import annotations

import json
import logging
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Callable

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from sync.protocol.exchange import RECORD_LIMIT, ExchangeReply, ExchangeRequest, RecordOutcome, RecordState
from sync.protocol.messages import problem
from sync.protocol.schemas import ProblemOut, RecordPush
from sync.server.blobs import service as blobs
from sync.server.devices.service import Principal
from sync.server.envelope import MAX_PROBLEMS, problem_for
from sync.server.errors import ApiError
from sync.server.guard import InputError
from sync.server.pull import service as pulling
from sync.server.records import intake
from sync.server.records import service as records

log = logging.getLogger("field_sampler.server")
Sessions = Callable[[], AbstractContextManager[Session]]


def exchange(*, sessions: Sessions, principal: Principal, request: ExchangeRequest,
             clock: Callable[[], datetime]) -> ExchangeReply:
    """Records first (each in its own transaction), then the need and state
    questions, then the pull, which so already counts this batch."""
    results = [push_one(sessions=sessions, principal=principal, raw=raw, index=i, now=clock())
               for i, raw in enumerate(request.records)]
    reply = ExchangeReply(results=results)
    if request.need or request.status:
        with sessions() as s:
            if request.need:          # the asking team's uploads, as POST /v1/blobs/missing answers
                reply.need = blobs.missing(session=s, team_id=principal.user.team_id, hashes=request.need)
            reply.status = [_state(s, principal, cid) for cid in request.status]
    if request.pull:
        try:
            with sessions() as s:
                reply.pull = pulling.pull(session=s, principal=principal, cursor=request.cursor)
        except ApiError as e:
            if e.status != 412:
                raise
            # fs-sync/1 answers 412 and the client asks again; here the full
            # snapshot comes in the same reply.
            with sessions() as s:
                reply.pull = pulling.pull(session=s, principal=principal, cursor=None)
            reply.cursor_stale = True
    return reply


def push_one(*, sessions: Sessions, principal: Principal, raw: dict[str, Any], index: int,
             now: datetime) -> RecordOutcome:
    """One record of a batch, answered as POST /v1/records would answer it."""
    cid = raw.get("client_id") if isinstance(raw.get("client_id"), str) else ""
    cid = cid[:64]
    try:
        size = len(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
        if size > RECORD_LIMIT:
            return _refused(index, cid, 413, [problem("request.too_large", limit=RECORD_LIMIT)])
        push = RecordPush.model_validate(raw)
        intake.check(push, now)
        with sessions() as s:
            code, result = records.push(session=s, principal=principal, push=push)
    except ValidationError as e:
        return _refused(index, cid, 422, [problem_for({**err, "loc": ("body", *err["loc"])})
                                          for err in e.errors(include_url=False)[:MAX_PROBLEMS]])
    except RequestValidationError as e:
        return _refused(index, cid, 422, [problem_for(err) for err in list(e.errors())[:MAX_PROBLEMS]])
    except InputError as e:
        return _refused(index, cid, 422, [e.problem])
    except ApiError as e:
        if e.status == 401:
            raise                       # the device is cut off: the whole request is
        return _refused(index, cid, e.status, e.problems)
    except Exception:                   # noqa: BLE001 - this record only; the others go on
        log.exception("record %s of a batch failed", cid)
        return RecordOutcome(index=index, client_id=cid, code=500, status="error",
                             problems=[problem("server.error")])
    return RecordOutcome(index=index, client_id=result.client_id, code=code, status=result.status,
                         record_hash=result.record_hash, received_at=result.received_at, complete=result.complete,
                         missing_photos=result.missing_photos, problems=result.problems)


def _refused(index: int, cid: str, code: int, problems: list[ProblemOut]) -> RecordOutcome:
    status = "conflict" if code == 409 else "rejected"
    return RecordOutcome(index=index, client_id=cid, code=code, status=status, problems=problems)


def _state(session: Session, principal: Principal, client_id: str) -> RecordState:
    try:
        st = records.status(session=session, principal=principal, client_id=client_id)
    except ApiError as e:
        if e.status != 404:
            raise
        return RecordState(client_id=client_id, found=False)
    return RecordState(client_id=client_id, found=True, kind=st.kind, record_hash=st.record_hash,
                       received_at=st.received_at, complete=st.complete, missing_photos=st.missing_photos)
