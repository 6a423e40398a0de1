"""寄送样品: a finished visit's samples handed to a courier for the lab.
The laptop tells the server the courier, tracking number, send date and
寄送样截止日期 (sync.client.shipments); the lab's list shows it in transit
until a package is received, and red once it is late. Blocks on the
network: the GUI calls it off its thread."""
from __future__ import annotations

from datetime import date

from app.domain.i18n import N_
from app.domain.visit import VisitStatus
from app.services.visits import load
from app.services.workspace import Workspace
from sync.client.shipments import ShipmentRefused, ShipmentResult, send_shipment


class ShipmentError(ValueError):
    """Bad input, caught before anything is sent: `text` is the catalogue key."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _day(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ShipmentError(N_("日期格式应为 2022-11-20")) from None


def ship(ws: Workspace, server_url: str, visit_id: str, *, courier: str, tracking_no: str, sent_on: str,
         deadline: str = "") -> ShipmentResult:
    visit = load(ws, visit_id)
    if visit.status != VisitStatus.FINISHED or not visit.seals:
        raise ShipmentError(N_("只有已完成并封样的抽样才能寄送样品"))
    if not courier.strip() or not tracking_no.strip():
        raise ShipmentError(N_("请填写快递公司和快递单号"))
    sent, until = _day(sent_on, required=True), _day(deadline, required=False)
    return send_shipment(server_url, visit_id=visit.id, courier=courier.strip(), tracking_no=tracking_no.strip(),
                         sent_on=sent, deadline=until)


__all__ = ["ShipmentError", "ShipmentRefused", "ShipmentResult", "ship"]
