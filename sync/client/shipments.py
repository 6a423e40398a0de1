"""Tell the server that a visit's samples went to the lab by courier
(POST /v1/shipments): courier, tracking number, send date and the
寄送样截止日期. Sending the same visit again corrects it until the lab has
received the samples. Needs a connection: the samples are handed to a
courier in town, where there is one."""
from __future__ import annotations

from dataclasses import dataclass

from sync.client import credentials
from sync.client.errors import ServerRefused
from sync.client.transport import RetryPolicy, Transport


@dataclass(frozen=True)
class ShipmentResult:
    visit_id: str
    created: bool
    received: bool


class ShipmentRefused(Exception):
    """The server refused it; zh/en say why (e.g. already received)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh, self.en = zh, en


def send_shipment(server_url: str, *, visit_id: str, courier: str, tracking_no: str, sent_on: str,
                  deadline: str = "", retry: RetryPolicy | None = None) -> ShipmentResult:
    t = Transport(server_url, token=lambda: credentials.load_token(server_url), retry=retry or RetryPolicy(attempts=3))
    try:
        status, body = t.call("POST", "/v1/shipments", json={
            "visit_id": visit_id, "courier": courier, "tracking_no": tracking_no, "sent_on": sent_on,
            "deadline": deadline})
    except ServerRefused as e:                    # not ours (404), or another 4xx with its reason
        err = e.body.get("error") or {}
        raise ShipmentRefused(err.get("zh", str(e)), err.get("en", str(e))) from None
    finally:
        t.close()
    if status == 422:
        err = body.get("error") or {}
        raise ShipmentRefused(err.get("zh", ""), err.get("en", ""))
    return ShipmentResult(visit_id=body["visit_id"], created=bool(body["created"]), received=bool(body["received"]))
