"""POST /v1/sync: the exchange of fs-sync/2 (sync/protocol/exchange.py)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from sync.protocol.exchange import PROTOCOL_2, PROTOCOLS, ExchangeReply, ExchangeRequest
from sync.server.db import utcnow
from sync.server.deps import Token, unit
from sync.server.devices.versions import note_app_version
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.exchange import service

router = APIRouter(prefix="/v1", tags=["sync"], responses=ERROR_RESPONSES)


@router.post("/sync", response_model=ExchangeReply, summary="Pull, push a batch of records, ask which photos "
             "the server needs and the state of earlier records: one round trip (fs-sync/2)")
def exchange(body: ExchangeRequest, request: Request, token: Token):
    with unit(request, token, "sampler") as (_session, p):
        if body.protocol != PROTOCOL_2:
            raise ApiError(422, "sync.protocol", field="protocol", protocol=body.protocol[:20],
                           supported=", ".join(PROTOCOLS))
        note_app_version(p.device, request.headers.get("user-agent", ""))
    # Each record is stored and committed on its own before the reply is sent.
    return service.exchange(sessions=request.app.state.db.session, principal=p, request=body, clock=utcnow)
