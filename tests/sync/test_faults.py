"""Exactly once over a bad connection: the client talks to the server through
the fault-injecting proxy under random fault schedules (cuts before and in
the middle of a body, replies lost after the server committed, replies cut
short, duplicate deliveries, 5xx bursts, slow replies, corrupted upload
bytes). After each schedule every record is on the server once, with its
hash, every photo once with the right bytes, nothing lost locally."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from sync.client.transport import RetryPolicy, Timeouts
from sync.server.blobs.models import Blob
from sync.server.records.models import Record, RecordPhoto
from tests.sync.device import Device
from tests.sync.faultproxy import FaultProxy, random_schedule
from tests.sync.world import USERS, add_big_tasks

DEFAULT_SCHEDULES = int(os.environ.get("FS_FAULT_SCHEDULES", "100"))
RETRY = RetryPolicy(base_s=0.005, factor=2, max_delay_s=0.05, attempts=5)
TIMEOUTS = Timeouts(connect_s=1.0, read_s=0.3)
# Laptops of three teams run their schedules side by side: a schedule is
# mostly waiting (slow replies, read timeouts, back-off), and the server
# must keep every record exactly once with several laptops at it anyway.
LANES = ("s_a1", "s_a2", "s_b1")


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    return host, int(port)


def run_schedule(live, tmp_path, seed: int, *, records: int = 2, user: str = "s_a1") -> dict:
    """One schedule on a fresh laptop of `user`'s team with fresh tasks;
    returns fault counts."""
    with live.db.session() as s:
        task_ids = set(add_big_tasks(s, records, team=USERS[user][2], prefix=f"s{seed}-"))
    proxy = FaultProxy(_host_port(live.url), random_schedule(seed), slow_s=(0.05, 0.4), seed=seed)
    try:
        dev = Device(tmp_path / f"laptop-{seed}", proxy.url, seed=seed, chunk_size=16 * 1024, retry=RETRY,
                     timeouts=TIMEOUTS, key=live.world.keys[user])
        token = live.world.tokens[user]
        for _ in range(40):                      # pull until the new tasks are here
            dev.engine(token=token).run(push=False)
            mine = [t for t, _ in dev.tasks() if t.id in task_ids]
            if len(mine) == records:
                break
        assert len(mine) == records, f"seed {seed}: pull never completed"
        for t in mine:
            dev.finish_visit(t, photo_sizes=(40_000,))
        for _ in range(60):
            dev.engine(token=token).run(pull=False)
            if all(i.status == "sent" for i in dev.outbox()):
                break
        faults = dict(proxy.stats.faults)
    finally:
        proxy.close()
    assert [i.status for i in dev.outbox()] == ["sent"] * records, f"seed {seed}: {faults}"
    check_exactly_once(live, dev, seed)
    dev.store.close()
    return faults


def check_exactly_once(live, dev, seed: int) -> None:
    blob_root = live.data_dir / "blobs" / "objects"
    with live.db.session() as s:
        for item in dev.outbox():
            v, blobs = dev.visits[item.visit_id]
            rows = list(s.scalars(select(Record).where(Record.visit_id == v.id)))
            assert len(rows) == 1, f"seed {seed}: visit stored {len(rows)} times"
            assert rows[0].record_hash == v.record_hash and rows[0].client_id == item.client_id
            assert hashlib.sha256(rows[0].document.encode()).hexdigest() == v.record_hash
            photos = set(s.scalars(select(RecordPhoto.sha256).where(RecordPhoto.record_id == rows[0].id)))
            assert photos == set(blobs)
            for sha, data in blobs.items():
                assert s.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == sha)) == 1
                stored = (blob_root / sha[:2] / sha).read_bytes()
                assert stored == data, f"seed {seed}: photo {sha[:8]} bytes differ"


def run_schedules(live, tmp_path, seeds: range) -> dict:
    """Every seed's schedule, one lane per laptop (LANES), each lane's
    schedules one after another; returns the fault counts of all."""
    def lane(i: int) -> dict:
        totals: dict[str, int] = {}
        for seed in seeds[i::len(LANES)]:
            for k, n in run_schedule(live, tmp_path, seed, user=LANES[i]).items():
                totals[k] = totals.get(k, 0) + n
        return totals

    with ThreadPoolExecutor(len(LANES)) as pool:
        per_lane = list(pool.map(lane, range(len(LANES))))
    return {k: sum(t.get(k, 0) for t in per_lane) for k in set().union(*per_lane)}


def test_exactly_once_under_random_fault_schedules(live_sqlite, tmp_path):
    totals = run_schedules(live_sqlite, tmp_path, range(DEFAULT_SCHEDULES))
    # The schedules really exercised every kind of fault.
    for fault in ("drop_before_body", "drop_mid_body", "drop_response", "truncate_response", "duplicate",
                  "error_5xx", "slow", "corrupt"):
        assert totals.get(fault, 0) >= 5, totals
    with live_sqlite.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 2 * DEFAULT_SCHEDULES


@pytest.mark.postgres
def test_exactly_once_under_fault_schedules_on_postgresql(request, tmp_path):
    from tests.sync.conftest import start_live
    live = start_live("postgresql", request, tmp_path)
    try:
        run_schedules(live, tmp_path, range(1000, 1020))
    finally:
        live.running.stop()
        live.db.close()


@pytest.mark.slow
def test_exactly_once_under_500_fault_schedules(live_sqlite, tmp_path):
    run_schedules(live_sqlite, tmp_path, range(10_000, 10_500))
