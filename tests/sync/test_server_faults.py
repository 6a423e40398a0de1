"""A 5xx does not loop on the laptop (CommCare's quarantine): a record the
server keeps failing on is retried with backoff, then set aside with the
server's message after SERVER_FAULT_LIMIT deliveries, while the records
behind it sync. A gateway's 503 or a page that is not our server's is the
link, not the record: it never sets anything aside. Through a real server
on loopback behind the fault proxy; over fs-sync/1 (one push per record,
as against an older server) and over the exchange of fs-sync/2, where the
server answers a failure on one record of the batch in that record's
result."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync.client.outbox import SERVER_FAULT_LIMIT, release
from sync.server.records import service as record_service
from sync.server.records.models import Record
from tests.sync.device import Device
from tests.sync.faultproxy import FaultProxy, server_error
from tests.sync.world import PASSWORD


@pytest.fixture
def proxied(live_sqlite):
    host, port = live_sqlite.url.removeprefix("http://").split(":")
    rule = {"fail": lambda req: None}
    proxy = FaultProxy((host, int(port)), lambda req: rule["fail"](req) or "pass")
    yield live_sqlite, proxy, rule
    proxy.close()


def _laptop(tmp_path, proxy, protocol: int | None = None) -> Device:
    """protocol=1: the fs-sync/1 client path (what the app speaks to a
    server without the exchange); None: fs-sync/2."""
    dev = Device(tmp_path / "laptop", proxy.url)
    engine = dev.engine
    dev.engine = lambda **kw: engine(**{"protocol": protocol, **kw})
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    return dev


def _server_records(live) -> int:
    with live.db.session() as s:
        return s.scalar(select(func.count()).select_from(Record))


def test_record_the_server_keeps_failing_on_is_set_aside_and_the_rest_goes_on(proxied, tmp_path,
                                                                                 memory_keyring):
    live, proxy, rule = proxied
    dev = _laptop(tmp_path, proxy, protocol=1)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    poison = [dev.finish_visit(tasks[item])[0] for item in ("2022-4-11", "2022-4-10")]    # first in the queue
    good, _ = dev.finish_visit(tasks["2022-4-18"])
    bad_ids = {i.client_id for i in dev.outbox() if i.visit_id in {v.id for v in poison}}
    posts = {cid: 0 for cid in bad_ids}

    def fail(req):
        cid = next((c for c in bad_ids if c.encode() in req.body), None)
        if req.method == "POST" and req.path == "/v1/records" and cid:
            posts[cid] += 1
            return "error_500"
        return None
    rule["fail"] = fail
    for run in range(1, SERVER_FAULT_LIMIT):
        report = dev.engine().run()
        outcome = {i.visit_id: i for i in report.items}
        assert not report.network_error, "server faults on two records in a row do not stop the run"
        assert [outcome[v.id].status for v in poison] == ["deferred", "deferred"]
        assert all(outcome[v.id].server_fault for v in poison)
        if run == 1:
            assert outcome[good.id].status == "sent"
    assert _server_records(live) == 1
    retries = dev.retry.attempts
    assert posts == {cid: retries * (SERVER_FAULT_LIMIT - 1) for cid in bad_ids}       # backoff, then later runs
    last = dev.engine().run()
    assert [i.status for i in last.items] == ["quarantined", "quarantined"] and not last.network_error
    problem = last.items[0].problems[0]
    assert problem["code"] == "sync.server_failed" and problem["params"]["attempts"] == SERVER_FAULT_LIMIT
    assert "数据库写入失败" in problem["zh"] and "HTTP 500" in problem["zh"]
    assert "database write failed" in problem["en"]
    assert {i.client_id: i.status for i in dev.outbox()} == {
        **{cid: "quarantined" for cid in bad_ids},
        **{i.client_id: "sent" for i in dev.outbox() if i.visit_id == good.id}}
    # Set aside: the next runs leave it alone, nothing loops.
    assert dev.engine().run().items == [] and posts == {cid: retries * SERVER_FAULT_LIMIT for cid in bad_ids}
    # The server is mended; the sampler submits them again.
    rule["fail"] = lambda req: None
    with dev.store.session() as s:
        for cid in bad_ids:
            release(s, cid)
    again = dev.engine().run()
    assert [i.status for i in again.items] == ["sent", "sent"] and _server_records(live) == 3


def test_a_record_of_a_batch_the_server_keeps_failing_on_is_set_aside(proxied, tmp_path, memory_keyring,
                                                                      monkeypatch):
    """fs-sync/2: the server fails on one record of the batch (its result is
    500, the others are stored): that record is deferred with backoff, and
    set aside with the server's message at SERVER_FAULT_LIMIT; the run goes on."""
    live, proxy, _rule = proxied
    dev = _laptop(tmp_path, proxy)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    poison, _ = dev.finish_visit(tasks["2022-4-11"])                     # first in the queue
    good, _ = dev.finish_visit(tasks["2022-4-18"])
    real_push, calls = record_service.push, []

    def failing(*, session, principal, push):
        if push.visit_id == poison.id:
            calls.append(push.client_id)
            raise RuntimeError("database write failed")
        return real_push(session=session, principal=principal, push=push)
    monkeypatch.setattr(record_service, "push", failing)
    proxy.stats.seen.clear()
    for run in range(1, SERVER_FAULT_LIMIT):
        report = dev.engine().run()
        outcome = {i.visit_id: i for i in report.items}
        assert not report.network_error
        assert (outcome[poison.id].status, outcome[poison.id].server_fault) == ("deferred", True)
        if run == 1:
            assert outcome[good.id].status == "sent"
    assert len(calls) == SERVER_FAULT_LIMIT - 1 and _server_records(live) == 1
    assert ("POST", "/v1/records") not in proxy.stats.seen
    last = dev.engine().run()
    assert [(i.visit_id, i.status) for i in last.items] == [(poison.id, "quarantined")]
    problem = last.items[0].problems[0]
    assert problem["code"] == "sync.server_failed" and problem["params"]["attempts"] == SERVER_FAULT_LIMIT
    assert "服务器内部错误" in problem["zh"] and "HTTP 500" in problem["zh"]
    assert dev.engine().run().items == [] and len(calls) == SERVER_FAULT_LIMIT        # nothing loops
    monkeypatch.setattr(record_service, "push", real_push)               # the server mended
    with dev.store.session() as s:
        release(s, next(i.client_id for i in dev.outbox() if i.visit_id == poison.id))
    assert [i.status for i in dev.engine().run().items] == ["sent"] and _server_records(live) == 2


@pytest.mark.parametrize("protocol", [1, None], ids=["fs-sync-1", "fs-sync-2"])
@pytest.mark.parametrize("reply", ["gateway", "page"])
def test_the_link_failing_never_sets_a_record_aside(proxied, tmp_path, memory_keyring, reply, protocol):
    """A gateway's 503 on the push (the server is away), or bare 500 pages
    on every request of a push-only run, where nothing shows our server is
    there (a captive portal): only the link is down."""
    live, proxy, rule = proxied
    dev = _laptop(tmp_path, proxy, protocol)
    task = next(t for t, _ in dev.tasks() if t.plan_item_ids == ["2022-4-11"])
    dev.finish_visit(task)
    proxy.error_500 = server_error(zh=None)
    if reply == "gateway":
        push_path = "/v1/records" if protocol == 1 else "/v1/sync"
        rule["fail"] = lambda req: "error_5xx" if req.path == push_path else None
    else:
        rule["fail"] = lambda req: "error_500"
    for _ in range(SERVER_FAULT_LIMIT + 2):
        report = dev.engine().run(pull=reply == "gateway")
        assert [(i.status, i.server_fault) for i in report.items] == [("deferred", False)]
    assert [(i.status, i.server_errors) for i in dev.outbox()] == [("pending", 0)]
    rule["fail"] = lambda req: None
    assert dev.engine().run().complete and _server_records(live) == 1
