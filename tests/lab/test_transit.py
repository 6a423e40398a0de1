"""Samples sent by courier: recorded from the laptop (the real client,
through POST /v1/shipments) and from the console; shown in transit, red on
the lab's list and the province's dashboard once later than the rule
allows (the clock is moved, not slept); the receipt closes it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services import shipping
from sync.client.shipments import ShipmentRefused
from tests.lab.conftest import accept, csrf_of, sample_id_of, scan


def test_a_shipment_from_the_laptop_is_in_transit_late_then_closed_by_the_receipt(lab_world, tmp_path):
    v = lab_world.laptop.finish("2022-4-10")
    today = date.today().isoformat()
    with pytest.raises(shipping.ShipmentError):
        shipping.ship(lab_world.laptop.ws, lab_world.url, v.id, courier="", tracking_no="SF1", sent_on=today)
    with pytest.raises(shipping.ShipmentError):
        shipping.ship(lab_world.laptop.ws, lab_world.url, v.id, courier="顺丰速运", tracking_no="SF1", sent_on="11/20")
    r = shipping.ship(lab_world.laptop.ws, lab_world.url, v.id, courier="顺丰速运", tracking_no="SF 1234 5678 90",
                      sent_on=today)
    assert r.created and not r.received
    with pytest.raises(ShipmentRefused) as refused:
        shipping.ship(lab_world.laptop.ws, lab_world.url, v.id, courier="顺丰速运", tracking_no="SF1",
                      sent_on=today, deadline=(date.today() - timedelta(days=3)).isoformat())
    assert "截止日期" in refused.value.zh and "deadline" in refused.value.en.lower()
    with lab_world.signed_in("lab") as c:
        html = c.get("/console/lab/transit").text
        assert v.record_no in html and "SF1234567890" in html and "已超期" not in html
    lab_world.clock.offset = timedelta(days=12)                   # > 5 working days later, whatever the holidays
    try:
        with lab_world.signed_in("lab") as c:
            html = c.get("/console/lab").text
            assert 'id="count-transit-late">1<' in html.replace("big late", "big") and v.record_no in html
            assert "已超期" in c.get("/console/lab/transit").text
        with lab_world.signed_in("province") as c:
            html = c.get("/console/dashboard").text
            assert 'id="lab-transit-late">1<' in html and v.record_no in html
        seals = lab_world.laptop.seal_payloads(v.id, tmp_path)
        with lab_world.signed_in("lab") as c:
            sid = sample_id_of(scan(c, next(iter(seals.values()))))
            assert accept(c, sid).status_code == 303
            assert 'id="count-transit-late">0<' in c.get("/console/lab").text
            assert v.record_no not in c.get("/console/lab/transit").text          # received: no longer in transit
    finally:
        lab_world.clock.offset = timedelta(0)
    with pytest.raises(ShipmentRefused) as refused:              # received: the laptop cannot change it any more
        shipping.ship(lab_world.laptop.ws, lab_world.url, v.id, courier="EMS", tracking_no="E1", sent_on=today)
    assert "已接收" in refused.value.zh


def test_a_shipment_recorded_in_the_console_with_its_deadline(lab_world):
    v = lab_world.laptop.finish("2022-4-11")
    with lab_world.signed_in("lab") as c:
        page = c.get("/console/lab/transit")
        r = c.post("/console/lab/transit", data={"csrf": csrf_of(page.text), "record_no": "NO-SUCH",
                                                 "courier": "EMS", "tracking_no": "E1", "sent_on": "2022-11-20"})
        assert "没有这个抽样单编号" in c.get(r.headers["location"]).text
        until = (date.today() + timedelta(days=1)).isoformat()
        r = c.post("/console/lab/transit", data={"csrf": csrf_of(page.text), "record_no": v.record_no,
                                                 "courier": "EMS", "tracking_no": "1100 2233 4455",
                                                 "sent_on": date.today().isoformat(), "deadline": until})
        html = c.get(r.headers["location"]).text
        assert "寄送信息已保存" in html and "110022334455" in html and until in html
    with lab_world.signed_in("agency2") as c:
        assert v.record_no not in c.get("/console/lab/transit").text


def test_another_teams_sampler_cannot_ship_a_record(lab_world):
    import httpx
    v = lab_world.laptop.finish("2022-4-18")
    import base64
    import os
    # sampler6's own enrolled laptop (a shipment comes from a laptop; a password session may not send one)
    r = httpx.post(lab_world.url + "/v1/auth/enroll", json={
        "username": "sampler6", "password": lab_world.server.password, "device_name": "另一组的笔记本",
        "public_key": base64.b64encode(os.urandom(32)).decode()})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    r = httpx.post(lab_world.url + "/v1/shipments", headers={"Authorization": f"Bearer {token}"},
                   json={"visit_id": v.id, "courier": "EMS", "tracking_no": "E9", "sent_on": "2022-11-20"})
    assert r.status_code == 404
