"""POST /v1/sync: the exchange of fs-sync/2 (sync/protocol/exchange.py)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Request

from sync.protocol.enrollment import PROTOCOL_HEADER
from sync.protocol.exchange import PROTOCOL_2, PROTOCOLS, ExchangeReply, ExchangeRequest
from sync.server.auth.permissions import Perm, check, principal_for
from sync.server.db import utcnow
from sync.server.deps import tx
from sync.server.devices.models import Device
from sync.server.devices.service import Principal
from sync.server.devices.versions import note_app_version
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.exchange import service
from sync.server.routing import api_router

router = api_router(prefix="/v1", tags=["sync"], responses=ERROR_RESPONSES)


@router.post("/sync", response_model=ExchangeReply, summary="Pull, push a batch of records, ask which photos "
             "the server needs and the state of earlier records: one round trip (fs-sync/2)")
def exchange(body: ExchangeRequest, request: Request, p: Annotated[Principal, principal_for(Perm.RECORD_PUSH)]):
    # principal_for keeps no transaction open: each record is stored and
    # committed on its own before the reply is sent. The parts other than
    # the records need what their fs-sync/1 routes need.
    if body.pull:
        check(p, Perm.SYNC_PULL)
    if body.need:
        check(p, Perm.BLOB_UPLOAD)
    if body.status:
        check(p, Perm.RECORD_STATUS)
    spoken = request.headers.get(PROTOCOL_HEADER)
    if body.protocol != PROTOCOL_2 or spoken not in (None, PROTOCOL_2):
        raise ApiError(422, "sync.protocol", field="protocol", protocol=(spoken or body.protocol)[:20],
                       supported=", ".join(PROTOCOLS))
    if body.pull:
        with tx(request) as s:
            device = s.get(Device, p.device.id)
            if device is not None:
                note_app_version(device, request.headers.get("user-agent", ""))
    return service.exchange(sessions=request.app.state.db.session, principal=p, request=body, clock=utcnow)
