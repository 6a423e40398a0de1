"""Records come from an enrolled laptop and name their task's party: every
push carries the device's Ed25519 signature over the record hash, checked
against the key the laptop registered and kept with the record; a password
session cannot push; a record naming another party is refused."""
from __future__ import annotations

import base64

from sqlalchemy import func, select, update

from app.domain import record_signature
from app.domain.record import record_hash
from app.domain.seal_payload import KeySigner
from app.store.sync_models import OutboxItem
from sync.server.devices.models import Device as DeviceRow
from sync.server.records.models import Record
from tests.sync.device import Device
from tests.sync.visits import push_body, signed, world_visit
from tests.sync.world import PASSWORD


def _count(live) -> int:
    with live.db.session() as s:
        return s.scalar(select(func.count()).select_from(Record))


def test_a_push_needs_the_enrolled_devices_signature(live):
    w = live.world
    v, _ = world_visit(w, "a1_petrol", "gas1")
    body = push_body(v)
    with live.client(token=w.sessions["s_a1"]) as c:           # signed in with the password: no device
        r = c.post("/v1/records", json=signed(body, w.keys["s_a1"]))
        assert r.status_code == 403 and r.json()["error"]["code"] == "auth.device_required"
        assert "已登记的抽样设备" in r.json()["error"]["zh"]
    with live.client("s_a1") as c:
        r = c.post("/v1/records", json=body)                     # unsigned (an old app)
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "sync.signature_missing"
        for wrong in (signed(body, w.keys["s_a1b"]),             # a teammate's key
                      signed(body, KeySigner()),                  # any other key
                      dict(body, signature=base64.b64encode(b"x" * 64).decode()),
                      dict(body, signature="not base64!"),
                      dict(signed(body, w.keys["s_a1"]), kind="amendment")):   # the kind is signed too
            r = c.post("/v1/records", json=wrong)
            assert r.status_code in (401, 422), r.text
            if r.status_code == 401:
                assert r.json()["error"]["code"] == "auth.signature_invalid"
        assert _count(live) == 0
        good = signed(body, w.keys["s_a1"])
        assert c.post("/v1/records", json=good).status_code == 201
    with live.db.session() as s:
        rec = s.scalar(select(Record))
        device = s.get(DeviceRow, rec.device_id)
        assert device.id == w.devices["s_a1"] and rec.signature == good["signature"]
        assert record_signature.verify(base64.b64decode(device.public_key), "record", rec.record_hash, rec.signature)


def test_a_record_must_name_its_tasks_party(live):
    w = live.world
    key = w.keys["s_a1"]

    def push(v):
        v.record_hash = record_hash(v)
        with live.client("s_a1") as c:
            return c.post("/v1/records", json=push_body(v, key=key))

    other_party, _ = world_visit(w, "a1_petrol", "gas2")        # gas2's id and code on gas1's task
    r = push(other_party)
    p = r.json()["problems"][0]
    assert r.status_code == 422 and p["code"] == "record.party_mismatch" and p["field"] == "party"
    assert w.codes["gas1"] in p["zh"] and w.codes["gas2"] in p["zh"] and "another party" in p["en"]
    code_only, _ = world_visit(w, "a1_petrol", "gas1", seed="code")
    code_only.party.credit_code = w.codes["gas2"]              # the right id, another party's code
    assert push(code_only).json()["problems"][0]["code"] == "record.party_mismatch"
    refusal, _ = world_visit(w, "a1_petrol", "gas1", seed="ref")
    refusal.status = refusal.status.__class__("refused")
    refusal.party.id = w.parties["gasB"]                        # no batch taken, still the wrong party
    assert push(refusal).json()["problems"][0]["code"] == "record.party_mismatch"
    assert _count(live) == 0
    # Details corrected on site (name, address, contact; the code typed in
    # lower case) are the sampler's to record: accepted.
    corrected, _ = world_visit(w, "a1_petrol", "gas1", seed="fix")
    corrected.party.name, corrected.party.address = "晋阳加油站（更名后）", "太原市新地址8号"
    corrected.party.credit_code = w.codes["gas1"].lower()
    assert push(corrected).status_code == 201


def test_the_client_signs_the_record_as_it_was_signed(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    v, _ = dev.finish_visit(tasks["2022-4-11"])
    w, _ = dev.finish_visit(tasks["2022-4-18"])
    # The outbox copy of the second record was altered after signing.
    with dev.store.session() as s:
        item = s.scalar(select(OutboxItem).where(OutboxItem.visit_id == w.id))
        item.canonical = item.canonical.replace(b"20221114-02", b"20221114-99")
    report = dev.engine().run()
    assert [(i.visit_id, i.status) for i in report.items] == [(v.id, "sent"), (w.id, "quarantined")]
    assert report.items[1].problems[0]["code"] == "sync.outbox_mismatch"
    with live.db.session() as s:
        rec = s.scalar(select(Record))
        key = base64.b64decode(s.scalar(select(DeviceRow.public_key).where(DeviceRow.id == rec.device_id)))
    assert rec.visit_id == v.id and _count(live) == 1
    assert key == dev.key.public_key_bytes()
    assert record_signature.verify(key, "record", v.record_hash, rec.signature)


def test_a_laptop_whose_key_is_not_the_registered_one_signs_in_again(live, tmp_path, memory_keyring):
    """Its pushes are refused as unauthenticated (401), not set aside: once
    the laptop enrolls again (registering the key it holds) they go."""
    w = live.world
    dev = Device(tmp_path / "laptop", live.url, key=KeySigner())      # not the key of s_a1's device
    token = w.tokens["s_a1"]
    dev.engine(token=token).run(push=False)
    task = [t for t, _ in dev.tasks() if t.plan_item_ids == ["2022-4-11"]][0]
    dev.finish_visit(task)
    report = dev.engine(token=token).run(pull=False)
    assert report.auth_error is not None and report.auth_error.code == "auth.signature_invalid"
    assert [i.status for i in dev.outbox()] == ["pending"] and _count(live) == 0
    no_key = dev.engine(token=token, signer=lambda: None).run(pull=False)
    assert no_key.auth_error.code == "auth.device_key_missing" and "重新登录" in no_key.auth_error.zh
    dev.enroll("s_a1", PASSWORD)
    report = dev.engine().run(pull=False)
    assert [i.status for i in report.items] == ["sent"] and _count(live) == 1


def test_a_queue_entry_without_its_frozen_copy_is_still_sent(live, tmp_path, memory_keyring):
    """No signed copy in the store to read (queued by other means than the
    finish service): the entry's own bytes are checked against its hash and
    signed. A record stored before signatures (NULL) still reads."""
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    task = [t for t, _ in dev.tasks() if t.plan_item_ids == ["2022-4-11"]][0]
    dev.finish_visit(task, frozen=False)
    assert [i.status for i in dev.engine().run(pull=False).items] == ["sent"]
    with live.db.session() as s:
        s.execute(update(Record).values(signature=None))        # as stored before 0005: still readable
    with live.client("s_a1") as c:
        assert c.get(f"/v1/records/{dev.outbox()[0].client_id}").json()["complete"]
