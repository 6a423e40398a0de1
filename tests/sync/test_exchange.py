"""The exchange of fs-sync/2 (POST /v1/sync) on the wire: a batch where one
record is refused and the others are kept, each record answered as a single
push would be answered, exactly once when the batch is sent again; the need
question with 10,000 hashes in one request; the pull in the same round trip
(a stale cursor gets the full snapshot at once); protocol negotiation."""
from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timezone

from sqlalchemy import func, select

from app.domain.canonical import canonical_hash
from app.domain.record import amendment_document, amendment_hash, record_document
from app.domain.visit import Amendment
from sync.protocol.exchange import BODY_LIMIT, MAX_NEED, PROTOCOL_2
from sync.protocol.schemas import RecordPush
from sync.server.audit.models import AuditEntry
from sync.server.parties.models import Party
from sync.server.records.models import AmendmentRecord, Record
from sync.server.tasks.models import Task
from tests.sync.visits import finished_visit, signed
from tests.sync.world import add_big_tasks


def new_records(live, n: int, seed: int = 1, team: str = "team-a1",
                user: str = "s_a1") -> list[tuple[dict, dict[str, bytes]]]:
    """n finished records of fresh tasks on the big test plan, as pushes
    signed by `user`'s device key, with their photos."""
    with live.db.session() as s:
        ids = add_big_tasks(s, n, team=team, prefix=f"x{seed}-")
        parties = [s.get(Party, s.get(Task, t).party_id) for t in ids]
        docs = [{"id": p.id, "name": p.name, "credit_code": p.credit_code, "address": "a", "contact": "c",
                 "scope": "gas_station"} for p in parties]
    rng = random.Random(seed)
    out = []
    for task_id, party in zip(ids, docs):
        v, blobs = finished_visit(task_id=task_id, party=party, product="车用汽油", plan_item_id="T-fuel", rng=rng,
                                  photo_sizes=(3000, 2000))
        out.append((signed(push_of(v), live.world.keys[user]), blobs))
    return out


def push_of(v, client_id: str | None = None) -> dict:
    return RecordPush(client_id=client_id or f"c-{v.id}", visit_id=v.id, task_id=v.task_id,
                      record_hash=v.record_hash, document=record_document(v),
                      device_time=datetime.now(timezone.utc)).model_dump(mode="json")


def resigned(live, body: dict, user: str = "s_a1") -> dict:
    """The push with its hash recomputed from its document, signed again."""
    return signed(dict(body, record_hash=canonical_hash(body["document"])), live.world.keys[user])


def exchange(c, **parts) -> tuple[int, dict]:
    r = c.post("/v1/sync", json={"protocol": PROTOCOL_2, **parts})
    return r.status_code, r.json()


def upload(c, blobs: dict[str, bytes]) -> None:
    for sha, data in blobs.items():
        r = c.patch(f"/v1/blobs/{sha}", content=data, headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
        assert r.status_code == 200 and r.json()["complete"], r.text


def _stored(live, visit_ids) -> int:
    with live.db.session() as s:
        return s.scalar(select(func.count()).select_from(Record).where(Record.visit_id.in_(visit_ids)))


def test_a_batch_with_refused_records_keeps_the_others(live):
    (good, _), (rule, _), (schema, _), (good2, blobs2) = new_records(live, 4)
    # A rule broken: the record's party (its credit code) is not its task's.
    code = rule["document"]["party"]["credit_code"]
    rule["document"]["party"]["credit_code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    rule = resigned(live, rule)
    # Outside the schema: an amount as a JSON number.
    schema["document"]["payment"]["amount"] = 31.4
    # Same client id as the first, other content: a conflict.
    twin = json.loads(json.dumps(good2))
    twin["client_id"] = good["client_id"]
    too_big = {"client_id": "c-too-big-1", "document": {"remarks": "长" * 400_000}}
    batch = [good, rule, schema, good2, twin, too_big]
    with live.client("s_a1") as c:
        upload(c, blobs2)
        status, body = exchange(c, records=batch)
        assert status == 200 and body["ok"] and body["protocol"] == PROTOCOL_2
        res = body["results"]
        assert [(r["index"], r["code"], r["status"]) for r in res] == [
            (0, 201, "created"), (1, 422, "rejected"), (2, 422, "rejected"), (3, 201, "created"),
            (4, 409, "conflict"), (5, 413, "rejected")]
        assert [r["client_id"] for r in res[:5]] == [good["client_id"], rule["client_id"], schema["client_id"],
                                                      good2["client_id"], good["client_id"]]
        assert (res[1]["problems"][0]["code"], res[1]["problems"][0]["field"]) == ("record.party_mismatch", "party")
        assert res[2]["problems"][0]["code"] == "input.float"
        assert res[2]["problems"][0]["field"] == "document.payment.amount"
        assert res[5]["problems"][0]["code"] == "request.too_large"
        # Completeness per record: the second's photos were uploaded first.
        assert not res[0]["complete"] and len(res[0]["missing_photos"]) == 5
        assert res[3]["complete"] and res[3]["missing_photos"] == []
        # Each record answered as a single push answers it.
        for i in (1, 2):
            single = c.post("/v1/records", json=batch[i])
            assert single.status_code == res[i]["code"]
            assert [p["code"] for p in single.json()["problems"]] == [p["code"] for p in res[i]["problems"]]
        assert _stored(live, [good["visit_id"], good2["visit_id"]]) == 2
        assert _stored(live, [rule["visit_id"], schema["visit_id"]]) == 0
        # The same batch again (a reply lost): nothing stored twice.
        status, again = exchange(c, records=batch)
        assert [(r["code"], r["status"]) for r in again["results"]] == [
            (200, "duplicate"), (422, "rejected"), (422, "rejected"), (200, "duplicate"), (409, "conflict"),
            (413, "rejected")]
        assert again["results"][0]["received_at"] == res[0]["received_at"]
    assert _stored(live, [good["visit_id"], good2["visit_id"]]) == 2
    with live.db.session() as s:
        received = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "record.received", AuditEntry.target.in_([good["client_id"], good2["client_id"]])))
    assert received == 2


def test_each_record_of_a_batch_carries_the_device_signature(live):
    """As a single push: unsigned is refused alone (422); signed by another
    key fails the whole exchange (401, sign in again); records before it
    in the batch are stored, and answered duplicate when sent again."""
    (first, _), (unsigned, _), (forged, _) = new_records(live, 3, seed=4)
    unsigned = {k: v for k, v in unsigned.items() if k != "signature"}
    forged = signed(forged, live.world.keys["s_a2"])          # another laptop's key
    with live.client("s_a1") as c:
        status, body = exchange(c, records=[first, unsigned])
        assert status == 200
        assert [(r["code"], r["status"]) for r in body["results"]] == [(201, "created"), (422, "rejected")]
        assert body["results"][1]["problems"][0]["code"] == "sync.signature_missing"
        status, body = exchange(c, records=[first, forged])
        assert status == 401 and body["error"]["code"] == "auth.signature_invalid"
        assert c.post("/v1/records", json=forged).status_code == 401         # as the single push answers
        _, body = exchange(c, records=[first, resigned(live, forged)])
        assert [(r["code"], r["status"]) for r in body["results"]] == [(200, "duplicate"), (201, "created")]
    assert _stored(live, [first["visit_id"], forged["visit_id"]]) == 2
    assert _stored(live, [unsigned["visit_id"]]) == 0


def test_an_amendment_after_its_record_in_one_batch(live):
    [(rec, _)] = new_records(live, 1, seed=2)
    am = Amendment(id="am-1", path="remarks", old_value="", new_value="更正备注",
                   reason="笔误", created_at=datetime.now(timezone.utc).replace(microsecond=0),
                   prev_hash=rec["record_hash"])
    am.hash = amendment_hash(am)
    am_push = signed(RecordPush(client_id="c-am-1-xyz", kind="amendment", visit_id=rec["visit_id"],
                                task_id=rec["task_id"], record_hash=am.hash, document=amendment_document(am),
                                device_time=datetime.now(timezone.utc)).model_dump(mode="json"),
                     live.world.keys["s_a1"])
    with live.client("s_a1") as c:
        # The amendment first: its record is not there yet; after it, it is.
        _, body = exchange(c, records=[am_push, rec, am_push])
    assert [(r["code"], r["status"]) for r in body["results"]] == [(422, "rejected"), (201, "created"),
                                                                    (201, "created")]
    assert body["results"][0]["problems"][0]["code"] == "sync.base_missing"
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AmendmentRecord)) == 1


def test_the_need_question_with_10000_hashes(live):
    rng = random.Random(5)
    held = {}
    for _ in range(3):
        data = rng.randbytes(1000)
        held[hashlib.sha256(data).hexdigest()] = data
    hashes = sorted({hashlib.sha256(rng.randbytes(16)).hexdigest() for _ in range(10_000 - 3)} | set(held))
    assert len(hashes) == 10_000
    body = json.dumps({"protocol": PROTOCOL_2, "need": hashes}).encode()
    # More than fs-sync/1's POST /v1/blobs/missing takes (2000 hashes, 256 KiB),
    # well within the exchange's limit.
    assert 256 * 1024 < len(body) < BODY_LIMIT
    with live.client("s_a1") as c:
        upload(c, held)
        r = c.post("/v1/sync", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text[:300]
        need = r.json()["need"]
        assert len(need) == 9_997 and set(need) == set(hashes) - set(held)
        # Over the bound: refused, the field named.
        over = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(MAX_NEED + 1)]
        status, err = exchange(c, need=over)
        assert status == 422 and err["error"]["field"] == "need" and err["error"]["code"] == "input.too_long"


def test_pull_and_state_in_the_same_round_trip(live):
    [(rec, blobs)] = new_records(live, 1, seed=3)
    with live.client("s_a1") as c:
        _, first = exchange(c, pull=True, records=[rec], need=sorted(blobs))
        assert first["pull"]["full"] and first["results"][0]["code"] == 201
        assert sorted(first["need"]) == sorted(blobs)
        # The pull already counts the record pushed before it in this exchange.
        task = next(t for t in first["pull"]["tasks"] if t["id"] == rec["task_id"])
        assert task["status"] == "done"
        upload(c, blobs)
        _, second = exchange(c, pull=True, cursor=first["pull"]["cursor"], status=[rec["client_id"], "c-never-sent"])
        assert not second["pull"]["full"] and not second["cursor_stale"]
        assert [(s["client_id"], s["found"], s["complete"]) for s in second["status"]] == [
            (rec["client_id"], True, True), ("c-never-sent", False, False)]
        # A cursor the server does not know: the full snapshot in the same reply (fs-sync/1: 412, then again).
        _, stale = exchange(c, pull=True, cursor="1.999999.abcdef")
        assert stale["cursor_stale"] and stale["pull"]["full"]


def test_protocol_negotiation(live):
    with live.client("s_a1") as c:
        r = c.post("/v1/sync", json={"protocol": "fs-sync/3"})
        assert r.status_code == 422
        err = r.json()["error"]
        assert err["code"] == "sync.protocol" and "fs-sync/2" in err["params"]["supported"]
        assert "fs-sync/3" in err["zh"] and "fs-sync/3" in err["en"]
        # fs-sync/1 routes answer as they always did.
        assert c.get("/v1/pull").json()["protocol"] == "fs-sync/1"
        assert c.get("/v1/health").json()["protocols"] == ["fs-sync/1", "fs-sync/2"]
    with live.client("adm_a") as c:
        assert c.post("/v1/sync", json={"protocol": PROTOCOL_2}).status_code == 403
