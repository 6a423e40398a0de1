"""Records on the server: exactly once, domain rules re-checked, complete
only with every photo; amendments chain; progress counts them."""
from __future__ import annotations

import hashlib
import random
import threading
import time
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from app.domain.record import amendment_document, amendment_hash
from app.domain.visit import Amendment, VisitStatus
from sync.protocol.schemas import RecordPush
from sync.server.records.models import Record
from tests.sync.visits import push_body, signed, upload, world_visit


def _visit(live, task, party, product="车用汽油", item="2022-4-11", seed=None, **kw):
    return world_visit(live.world, task, party, product, item, seed, **kw)


def _body(live, v, client_id=None, user="s_a1"):
    return push_body(v, client_id, key=live.world.keys[user])


_upload = upload


def test_push_is_idempotent_and_conflicts_are_refused(live):
    v, blobs = _visit(live, "a1_petrol", "gas1")
    body = _body(live, v)
    with live.client("s_a1") as c:
        first = c.post("/v1/records", json=body)
        assert first.status_code == 201 and first.json()["status"] == "created"
        assert set(first.json()["missing_photos"]) == set(blobs) and not first.json()["complete"]
        again = c.post("/v1/records", json=body)
        assert again.status_code == 200 and again.json()["status"] == "duplicate"
        assert again.json()["received_at"] == first.json()["received_at"]
        other = dict(body, document=dict(body["document"], remarks="改过"))
        from app.domain.canonical import canonical_hash
        other["record_hash"] = canonical_hash(other["document"])
        r = c.post("/v1/records", json=signed(other, live.world.keys["s_a1"]))
        assert r.status_code == 409 and r.json()["status"] == "conflict"
        # A record is complete only once every photo is verified.
        _upload(c, blobs)
        st = c.get(f"/v1/records/{body['client_id']}").json()
        assert st["complete"] and st["missing_photos"] == []
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 1


def test_two_deliveries_of_one_record_at_once_store_it_once(live):
    v, _ = _visit(live, "a1_petrol", "gas1")
    body = _body(live, v)
    results, barrier = [], threading.Barrier(4)

    def send():
        with live.client("s_a1") as c:
            barrier.wait()
            results.append(c.post("/v1/records", json=body))
    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(Record.visit_id == v.id)) == 1


def _at_once(live, sends) -> list:
    """POST every (user, body) at the same instant, each from its own
    connection (its user's own laptop: one laptop's requests queue behind
    each other on its device row anyway).
    On PostgreSQL the pushes are also lined up inside the server: the test
    holds the change log's advisory lock, which a push takes last (after its
    checks), until every push is waiting on a lock; so checks that do not
    lock the rows they count would all pass, and all be stored."""
    from sqlalchemy import create_engine, text
    results, barrier = [None] * len(sends), threading.Barrier(len(sends))

    def send(i):
        user, body = sends[i]
        with live.client(user) as c:
            barrier.wait()
            results[i] = c.post("/v1/records", json=body, timeout=60)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(sends))]
    # Its own engine: the server's pool is the server's.
    engine = create_engine(live.db.url, poolclass=NullPool) if live.backend == "postgresql" else None
    gate = engine.connect() if engine is not None else None
    try:
        if gate is not None:
            from sync.server.pull.changes import _PG_CHANGE_LOCK
            gate.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHANGE_LOCK})
        for t in threads:
            t.start()
        if gate is not None:
            with engine.connect() as watch:
                waiting, deadline = 0, time.monotonic() + 20
                while waiting < len(sends) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    waiting = watch.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()")).scalar()
                    watch.rollback()         # pg_stat_activity is a snapshot per transaction
                assert waiting == len(sends), f"{waiting} pushes waiting on a lock"
    finally:
        if gate is not None:
            gate.rollback()
            gate.close()
            engine.dispose()
    for t in threads:
        t.join()
    return results


def test_the_last_batch_at_a_party_goes_to_one_of_two_laptops_at_once(live):
    """The per-party limit (two batches) holds when two laptops send the
    records of two more products of one party at the same instant: the
    checks lock the party, not only their own plan items."""
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=_body(live, _visit(live, "a1_petrol", "gas1")[0])).status_code == 201
    diesel = _body(live, _visit(live, "a1_diesel", "gas1", "车用柴油", "2022-4-10")[0], user="s_a1")
    urea = _body(live, _visit(live, "a1_urea", "gas1", "车用尿素水溶液", "2022-4-12")[0], user="s_a1b")
    results = _at_once(live, [("s_a1", diesel), ("s_a1b", urea)])
    assert sorted(r.status_code for r in results) == [201, 422], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 422)
    assert [p["code"] for p in refused.json()["problems"]] == ["batch.per_party"]
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(
            Record.visit_id.in_([diesel["visit_id"], urea["visit_id"]]))) == 1


def test_the_last_batch_of_a_product_goes_to_one_of_two_laptops_at_once(live):
    from sync.server.plan.models import PlanItem
    from tests.sync.test_exchange import new_records
    (first, _), = new_records(live, 1, seed=11, user="s_a1")
    (second, _), = new_records(live, 1, seed=12, user="s_a1b")
    with live.db.session() as s:
        s.get(PlanItem, "T-fuel").batches = 1
    results = _at_once(live, [("s_a1", first), ("s_a1b", second)])
    assert sorted(r.status_code for r in results) == [201, 422], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 422)
    assert [p["code"] for p in refused.json()["problems"]] == ["plan.quota"]
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(Record.plan_item_id == "T-fuel")) == 1


def test_server_rechecks_batch_limits_scope_and_hash(live):
    with live.client("s_a1") as c:
        ok1 = c.post("/v1/records", json=_body(live, _visit(live, "a1_petrol", "gas1")[0]))
        ok2 = c.post("/v1/records", json=_body(live, _visit(live, "a1_diesel", "gas1", "车用柴油", "2022-4-10")[0]))
        assert ok1.status_code == ok2.status_code == 201
        third = c.post("/v1/records", json=_body(live, _visit(live, "a1_urea", "gas1", "车用尿素水溶液", "2022-4-12")[0]))
        assert third.status_code == 422 and third.json()["status"] == "rejected"
        p = {x["code"]: x for x in third.json()["problems"]}
        assert "batch.per_party" in p and "不得多于2个批次" in p["batch.per_party"]["zh"]
        assert "At most two batches" in p["batch.per_party"]["en"]
        # A shop is not where 车用汽油 may be sampled: the scope in the record is checked.
        wrong_scope, _ = _visit(live, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="gas_station")
        wrong_scope.party.scope = wrong_scope.party.scope.__class__("producer")
        from app.domain.record import record_hash
        wrong_scope.record_hash = record_hash(wrong_scope)
        r = c.post("/v1/records", json=_body(live, wrong_scope))
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "plan.scope"
        tampered = _body(live, _visit(live, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="seller")[0])
        tampered["document"]["remarks"] = "tampered after signing"
        r = c.post("/v1/records", json=tampered)
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "sync.hash_mismatch"
        # A refusal record takes no batch and is accepted even at a full party.
        refused, _ = _visit(live, "a1_urea", "gas1", "车用尿素水溶液", "2022-4-12", seed="r", status=VisitStatus.REFUSED)
        assert c.post("/v1/records", json=_body(live, refused)).status_code == 201


def test_cancelled_task_record_is_rejected_with_the_reason(live):
    with live.client("adm_a") as c:
        assert c.post(f"/v1/tasks/{live.world.tasks['a1_down']}/cancel", json={"reason": "企业已停业"}).status_code == 200
    v, _ = _visit(live, "a1_down", "shop1", "羽绒服装", "2022-4-18", scope="seller")
    with live.client("s_a1") as c:
        r = c.post("/v1/records", json=_body(live, v))
    assert r.status_code == 422
    assert r.json()["problems"][0]["code"] == "task.cancelled" and "企业已停业" in r.json()["problems"][0]["zh"]


def test_amendments_chain_to_the_record(live):
    v, _ = _visit(live, "a1_petrol", "gas1")
    key = live.world.keys["s_a1"]
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=_body(live, v)).status_code == 201
        a = Amendment(id="am1", path="sample.batch_no", old_value="20221114-02", new_value="20221114-03",
                      reason="抄错", prev_hash=v.record_hash, party_signature_sha256=hashlib.sha256(b"sig").hexdigest())
        a.hash = amendment_hash(a)
        body = RecordPush(client_id="am-client-1", kind="amendment", visit_id=v.id, task_id=v.task_id,
                          record_hash=a.hash, document=amendment_document(a),
                          device_time=datetime.now(timezone.utc)).model_dump(mode="json")
        body = signed(body, key)
        r = c.post("/v1/records", json=body)
        assert r.status_code == 201 and r.json()["missing_photos"] == [a.party_signature_sha256]
        assert c.post("/v1/records", json=body).json()["status"] == "duplicate"
        fork = Amendment(id="am2", path="remarks", old_value="", new_value="x", reason="y", prev_hash=v.record_hash,
                         party_signature_sha256=a.party_signature_sha256)
        fork.hash = amendment_hash(fork)
        r = c.post("/v1/records", json=signed(dict(body, client_id="am-client-2", record_hash=fork.hash,
                                                   document=amendment_document(fork)), key))
        assert r.status_code == 409
        orphan = dict(body, client_id="am-client-3", visit_id="no-such-visit")
        orphan_doc = dict(body["document"], id="am3")
        from app.domain.canonical import canonical_hash
        r = c.post("/v1/records", json=signed(dict(orphan, document=orphan_doc,
                                                   record_hash=canonical_hash(orphan_doc)), key))
        assert r.status_code == 422 and r.json()["problems"][0]["code"] == "sync.base_missing"


def test_blob_upload_resumes_verifies_and_dedupes(live):
    data = random.Random(1).randbytes(300_000)
    sha = hashlib.sha256(data).hexdigest()
    n = len(data)
    with live.client("s_a1") as c:
        h = lambda off: {"Upload-Offset": str(off), "Upload-Length": str(n)}  # noqa: E731
        assert c.post("/v1/blobs/missing", json={"hashes": [sha]}).json()["missing"] == [sha]
        assert c.patch(f"/v1/blobs/{sha}", content=data[:100_000], headers=h(0)).json()["offset"] == 100_000
        r = c.patch(f"/v1/blobs/{sha}", content=data[50_000:150_000], headers=h(50_000))
        assert r.status_code == 409 and r.json()["error"]["params"]["offset"] == 100_000
        assert c.get(f"/v1/blobs/{sha}/upload", params={"length": n}).json()["offset"] == 100_000
        done = c.patch(f"/v1/blobs/{sha}", content=data[100_000:], headers=h(100_000))
        assert done.status_code == 200 and done.json()["complete"]
        assert c.post("/v1/blobs/missing", json={"hashes": [sha]}).json()["missing"] == []
        assert c.get(f"/v1/blobs/{sha}").content == data      # its own device may read it back
        # Corrupted bytes in transit: refused at the end, nothing kept, start again.
        bad = bytearray(random.Random(2).randbytes(50_000))
        bad_sha = hashlib.sha256(bytes(bad)).hexdigest()
        bad[10] ^= 0xFF
        r = c.patch(f"/v1/blobs/{bad_sha}", content=bytes(bad), headers={"Upload-Offset": "0", "Upload-Length": "50000"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "blob.hash_mismatch"
        assert c.get(f"/v1/blobs/{bad_sha}/upload", params={"length": 50000}).json() == {
            "ok": True, "protocol": "fs-sync/1", "sha256": bad_sha, "offset": 0, "length": 50000, "complete": False}
        assert c.post("/v1/blobs/missing", json={"hashes": [bad_sha]}).json()["missing"] == [bad_sha]
    stored = list((live.data_dir / "blobs" / "objects").rglob("*"))
    assert [p.name for p in stored if p.is_file()] == [sha]


def test_pull_is_incremental_and_a_restored_server_forces_a_full_refresh(live):
    with live.client("s_a1") as c:
        full = c.get("/v1/pull").json()
        assert full["full"] and len(full["tasks"]) == 4 and full["agencies"][0]["id"] == "agency-a"
        assert {s["id"] for s in full["samplers"]} and full["sampling_rules"][0]["product"] == "车用汽油"
        task = full["tasks"][0]
        assert task["party"]["credit_code"] and len(task["team"]) == 2
        empty = c.get("/v1/pull", params={"cursor": full["cursor"]}).json()
        assert not empty["full"] and empty["tasks"] == [] and empty["cursor"] == full["cursor"]
    with live.client("adm_a") as c:
        c.post(f"/v1/tasks/{live.world.tasks['a1_urea']}/cancel", json={"reason": "计划调整"})
    with live.client("s_a1") as c:
        delta = c.get("/v1/pull", params={"cursor": full["cursor"]}).json()
        assert [(t["id"], t["status"], t["cancel_reason"]) for t in delta["tasks"]] == [
            (live.world.tasks["a1_urea"], "cancelled", "计划调整")]
        # A server restored from an older backup: the device's cursor names a
        # change this server never had (or has another one under that number).
        seq = int(delta["cursor"].split(".")[1])
        for stale in (f"1.{seq + 5}.deadbeef", f"1.{seq}.deadbeef", "garbage"):
            r = c.get("/v1/pull", params={"cursor": stale})
            assert r.status_code == 412 and r.json()["error"]["code"] == "sync.cursor_stale"
