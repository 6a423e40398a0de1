"""A record belongs to the team that made the visit: only that team's
devices may amend it or send it again. Someone else, in the same agency or
another, who knows the visit id and the record hash printed on the form,
learns nothing and cannot fork the chain."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import select

from app.domain.record import amendment_document, amendment_hash
from app.domain.visit import Amendment
from sync.protocol.schemas import RecordPush
from sync.server.audit.models import AuditEntry
from sync.server.records.models import AmendmentRecord, Record
from tests.sync.visits import push_body, signed, world_visit

SIG = hashlib.sha256(b"party signature").hexdigest()


def _amendment_body(v, prev_hash: str, *, client_id: str, new_value: str = "20221114-03", key=None) -> dict:
    a = Amendment(id=f"am-{client_id}", path="sample.batch_no", old_value="20221114-02", new_value=new_value,
                  reason="抄错", prev_hash=prev_hash, party_signature_sha256=SIG)
    a.hash = amendment_hash(a)
    body = RecordPush(client_id=client_id, kind="amendment", visit_id=v.id, task_id=v.task_id, record_hash=a.hash,
                      document=amendment_document(a), device_time=datetime.now(timezone.utc)).model_dump(mode="json")
    return signed(body, key) if key is not None else body


def _pushed(live):
    v, _ = world_visit(live.world, "a1_petrol", "gas1")
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=live.world.keys["s_a1"])).status_code == 201
    return v


def test_only_the_team_that_made_the_visit_may_amend_it(live):
    v = _pushed(live)
    for intruder in ("s_a2", "s_b1"):        # another team of the agency; another agency
        fork = _amendment_body(v, v.record_hash, client_id=f"fork-by-{intruder}", new_value="伪造",
                               key=live.world.keys[intruder])
        with live.client(intruder) as c:
            r = c.post("/v1/records", json=fork)
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "sync.base_missing", r.text
        assert "record_hash" not in r.text or r.json()["record_hash"] == fork["record_hash"]
    # The owner's amendment is not taken for a fork: nothing was stored.
    own = _amendment_body(v, v.record_hash, client_id="own-amend-1", key=live.world.keys["s_a1"])
    with live.client("s_a1") as c:
        r = c.post("/v1/records", json=own)
    assert r.status_code == 201 and r.json()["missing_photos"] == [SIG]
    # Another laptop of the same team continues the chain.
    second = _amendment_body(v, own["record_hash"], client_id="own-amend-2", new_value="20221114-04",
                             key=live.world.keys["s_a1b"])
    with live.client("s_a1b") as c:
        assert c.post("/v1/records", json=second).status_code == 201
    with live.db.session() as s:
        chain = list(s.scalars(select(AmendmentRecord.client_id).order_by(AmendmentRecord.id)))
        tried = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "amendment.not_owner"))]
    assert chain == ["own-amend-1", "own-amend-2"]
    assert sorted(d["team"] for d in tried) == ["team-a2", "team-b1"] and {d["owner_team"] for d in tried} == {"team-a1"}


def test_replaying_someone_elses_ids_reveals_nothing(live):
    v = _pushed(live)
    own = _amendment_body(v, v.record_hash, client_id="own-amend-1", key=live.world.keys["s_a1"])
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=own).status_code == 201
    record = push_body(v, key=live.world.keys["s_a1"])
    with live.client("s_b1") as c:
        # The owner's record again, under its client id or its visit id: a
        # conflict with no hash, no time, no missing photos (the owner gets
        # "duplicate" with all of them).
        for body in (record, dict(record, client_id="c-other-client")):
            r = c.post("/v1/records", json=signed(body, live.world.keys["s_b1"]))
            assert r.status_code == 409 and r.json()["status"] == "conflict", r.text
            assert not r.json().get("record_hash") and r.json().get("received_at") is None
            assert not r.json().get("missing_photos")
        assert c.get(f"/v1/records/{record['client_id']}").status_code == 404
        assert c.get("/v1/records/own-1").status_code == 404
    with live.client("s_a1") as c:
        dup = c.post("/v1/records", json=record)
        assert dup.status_code == 200 and dup.json()["status"] == "duplicate" and dup.json()["received_at"]
    with live.db.session() as s:
        assert s.scalar(select(Record.team_id).where(Record.visit_id == v.id)) == "team-a1"


def test_a_record_sent_by_the_former_team_is_owned_by_it(live):
    """改派 after the visit: the team that made the visit still owns it."""
    v, _ = world_visit(live.world, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="seller")
    with live.client("adm_a") as c:
        assert c.post(f"/v1/tasks/{v.task_id}/reassign", json={"team_id": "team-a2", "reason": "人手"}).status_code == 200
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=live.world.keys["s_a1"])).status_code == 201
    with live.client("s_a2") as c:        # holds the task now, did not make the visit
        r = c.post("/v1/records", json=_amendment_body(v, v.record_hash, client_id="a2-amend-x",
                                                       key=live.world.keys["s_a2"]))
        assert r.status_code == 422
    with live.client("s_a1b") as c:
        assert c.post("/v1/records", json=_amendment_body(v, v.record_hash, client_id="a1-amend-x",
                                                          key=live.world.keys["s_a1b"])).status_code == 201
