"""The lab's API: a laptop records the courier shipment of a visit's
samples (POST /v1/shipments); the console's lab pages use the same
services."""
from __future__ import annotations

from typing import Annotated

from fastapi.responses import JSONResponse
from sqlalchemy import select

from sync.protocol.schemas import ErrorBody, ProblemOut, ShipmentIn, ShipmentOut
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.auth.visibility import may_see_record
from sync.server.errors import ERROR_RESPONSES, ApiError, error_response
from sync.server.lab import transit
from sync.server.lab.common import LabError
from sync.server.records.models import Record
from sync.server.routing import api_router

router = api_router(prefix="/v1", tags=["lab"], responses=ERROR_RESPONSES)


@router.post("/shipments", response_model=ShipmentOut, status_code=201,
             responses={200: {"model": ShipmentOut, "description": "Corrected"},
                        422: {"model": ErrorBody, "description": "Refused: the error says why (bad dates, received)"}},
             summary="Record the courier shipment of a visit's samples to the lab")
def ship(body: ShipmentIn, ctx: Annotated[Ctx, allow(Perm.SHIPMENT_RECORD)]):
    session, p = ctx.session, ctx.principal
    rec = session.scalar(select(Record).where(Record.visit_id == body.visit_id))
    if rec is not None and not may_see_record(session, p, rec):     # another team's visit: as if unknown
        raise ApiError(404, "not_found", what=body.visit_id)
    try:
        row, created = transit.save(session=session, visit_id=body.visit_id, agency_id=p.user.agency_id,
                                    courier=body.courier, tracking_no=body.tracking_no, sent_on=body.sent_on,
                                    deadline=body.deadline, source="laptop", actor=ctx.actor)
    except LabError as e:
        return error_response(422, ProblemOut(code="lab.shipment", zh=e.message("zh_CN"), en=e.message("en")))
    out = ShipmentOut(visit_id=row.visit_id, created=created, received=row.received_at is not None)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)
