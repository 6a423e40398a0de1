"""Least privilege for the lab (PROTOCOL.md, "Roles and who may do what"):
a lab account sees what it needs for the samples its agency's samplers send
it — those records, their photos, its agency's device keys — and nothing
else: no tasks (who is to be sampled, party contacts), no progress, no
other agency, and with no agency nothing at all."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.visit import VisitStatus
from sync.server.auth.models import User
from sync.server.devices import service as devices
from tests.sync.visits import push_body, upload, world_visit


def _sent(live, task, party, product, item, user="s_a1", **kw):
    v, blobs = world_visit(live.world, task, party, product, item, **kw)
    body = push_body(v, key=live.world.keys[user])
    with live.client(user) as c:
        assert c.post("/v1/records", json=body).status_code == 201
        upload(c, blobs)
    return body["client_id"], sorted(blobs)[0]


def test_the_lab_sees_its_agencys_sampled_records_and_nothing_else(live):
    w = live.world
    sampled, photo = _sent(live, "a1_petrol", "gas1", "车用汽油", "2022-4-11")
    refused, refused_photo = _sent(live, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="seller",
                                   status=VisitStatus.REFUSED)
    b_sampled, b_photo = _sent(live, "b1_petrol", "gasB", "车用汽油", "2022-4-11", user="s_b1")
    with live.client("lab_a") as c:
        assert c.get(f"/v1/records/{sampled}").status_code == 200
        assert c.get(f"/v1/blobs/{photo}").status_code == 200
        # A refusal brings the lab no sample: not its business.
        assert c.get(f"/v1/records/{refused}").status_code == 404
        assert c.get(f"/v1/blobs/{refused_photo}").status_code == 404
        assert c.get(f"/v1/records/{b_sampled}").status_code == 404
        assert c.get(f"/v1/blobs/{b_photo}").status_code == 404
        # No tasks (all of them, with parties' addresses and contacts, before
        # they are sampled), no progress, no pull.
        for path in ("/v1/tasks", "/v1/progress?plan_id=2022-4", "/v1/pull", "/v1/audit"):
            r = c.get(path)
            assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden", path
            assert w.codes["gas1"] not in r.text and "太原市测试路" not in r.text
        # Its agency's device keys (to check seals), not another agency's.
        keys = {d["device_id"] for d in c.get("/v1/devices/keys").json()["devices"]}
        assert w.devices["s_a1"] in keys and w.devices["s_b1"] not in keys
        assert c.get(f"/v1/devices/{w.devices['s_b1']}/public-key").status_code == 404
        assert {d["user_id"] for d in c.get("/v1/devices").json()["devices"]} == {_user_id(live, "lab_a")}
    with live.client("lab_b") as c:                 # agency B's lab: B's record only
        assert c.get(f"/v1/records/{b_sampled}").status_code == 200
        assert c.get(f"/v1/blobs/{b_photo}").status_code == 200
        assert c.get(f"/v1/records/{sampled}").status_code == 404
        assert c.get(f"/v1/blobs/{photo}").status_code == 404
        assert w.devices["s_a1"] not in {d["device_id"] for d in c.get("/v1/devices/keys").json()["devices"]}
        assert c.get("/v1/tasks").status_code == 403
    with live.client("adm_a") as c:                 # the agency admin still sees the refusal
        assert c.get(f"/v1/records/{refused}").status_code == 200


def test_a_lab_account_without_an_agency_sees_nothing(live):
    sampled, photo = _sent(live, "a1_petrol", "gas1", "车用汽油", "2022-4-11")
    with live.db.session() as s:                    # add-user refuses this; a database might hold one
        user = User(id="u-lab-none", username="lab_none", name="无机构", role="lab", password_hash="x",
                    agency_id=None, active=True)
        s.add(user)
        s.flush()
        _, token = devices.issue_token(session=s, user=user, kind="session", ttl=timedelta(hours=1))
    with live.client(token=token) as c:
        assert c.get(f"/v1/records/{sampled}").status_code == 404
        assert c.get(f"/v1/blobs/{photo}").status_code == 404
        assert c.get("/v1/devices/keys").json()["devices"] == []
        assert c.get("/v1/tasks").status_code == 403


def test_add_user_keeps_a_lab_in_its_agency(live):
    from sync.server.auth import service as accounts
    import pytest
    with live.db.session() as s, pytest.raises(ValueError, match="agency"):
        accounts.add_user(session=s, username="lab_x", password="p", role="lab")


def _user_id(live, username: str) -> str:
    with live.db.session() as s:
        return s.scalar(select(User.id).where(User.username == username))
