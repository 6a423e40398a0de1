"""The sync client over fs-sync/2 against a real server: an end-of-day sync
in two exchanges plus the uploads that carry bytes (photos the server has
cost nothing), old (fs-sync/1) and new clients against one server, a new
client against an old server, a record the server fails on deferred alone,
a record and its amendment in one run."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.domain.record import amendment_hash
from app.domain.visit import Amendment
from sync.client import engine as engine_mod
from sync.client import outbox, transport
from sync.server.app import create_app
from sync.server.config import settings_for
from sync.server.db import Database
from sync.server.exchange import routes as exchange_routes
from sync.server.records import service as record_service
from sync.server.records.models import AmendmentRecord, Record
from sync.server.runner import start_in_thread
from tests.sync import conftest
from tests.sync.device import Device
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_exchange import upload
from tests.sync.world import add_big_tasks


TEAMS = {"s_a1": "team-a1", "s_a1b": "team-a1", "s_a2": "team-a2"}


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    return host, int(port)


def _laptop(live, tmp_path, name: str, user: str = "s_a1", records: int = 3, proxy: FaultProxy | None = None,
            **engine_kw):
    """A laptop that pulled its tasks and finished `records` visits (5 photos
    and signatures each, one chunk each) on fresh tasks."""
    with live.db.session() as s:
        ids = set(add_big_tasks(s, records, team=TEAMS[user], prefix=name))
    dev = Device(tmp_path / name, proxy.url if proxy else live.url, chunk_size=256 * 1024,
                 seed=sum(map(ord, name)), key=live.world.keys[user])     # the key the server holds for its token
    token = live.world.tokens[user]
    dev.engine(token=token, **engine_kw).run(push=False)
    for t in [t for t, _ in dev.tasks() if t.id in ids]:
        dev.finish_visit(t, photo_sizes=(20_000, 10_000))
    assert len(dev.outbox()) == records
    return dev, token


def _proxy(live) -> FaultProxy:
    return FaultProxy(_host_port(live.url))


def test_end_of_day_sync_in_two_exchanges_plus_uploads(live, tmp_path):
    proxy = _proxy(live)
    try:
        dev, token = _laptop(live, tmp_path, "eod", proxy=proxy)
        # Five of the fifteen photos reached the server before (another laptop of the team).
        first_visit = dev.visits[dev.outbox()[0].visit_id][1]
        with live.client("s_a1b") as c:
            upload(c, first_visit)
        proxy.stats.seen.clear()
        report = dev.engine(token=token).run()
        assert report.complete and [i.status for i in report.items] == ["sent"] * 3
        uploads = proxy.stats.count("PATCH")
        others = len(proxy.stats.seen) - uploads
        assert uploads == 10                                   # the five it had cost nothing
        assert proxy.stats.seen.count(("POST", "/v1/sync")) == others == 2, proxy.stats.seen
        assert not any(p.startswith("/v1/records") or p.startswith("/v1/pull") for _, p in proxy.stats.seen)
        # Nothing to do: one exchange (the pull).
        proxy.stats.seen.clear()
        assert dev.engine(token=token).run().complete and proxy.stats.seen == [("POST", "/v1/sync")]
    finally:
        proxy.close()
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 3


def test_old_and_new_clients_against_one_server(live, tmp_path, monkeypatch):
    old_proxy, new_proxy = _proxy(live), _proxy(live)
    try:
        old, old_token = _laptop(live, tmp_path, "old", user="s_a1", proxy=old_proxy, protocol=1)
        new, new_token = _laptop(live, tmp_path, "new", user="s_a2", proxy=new_proxy)
        old_proxy.stats.seen.clear()
        new_proxy.stats.seen.clear()
        # The old laptop accepts only fs-sync/1 bodies, as the released app does.
        with monkeypatch.context() as m:
            m.setattr(transport, "PROTOCOLS", ("fs-sync/1",))
            old_report = old.engine(token=old_token, protocol=1).run()
        new_report = new.engine(token=new_token).run()
        assert old_report.complete and new_report.complete
        assert [i.status for i in old.outbox()] == [i.status for i in new.outbox()] == ["sent"] * 3
        assert ("POST", "/v1/sync") not in old_proxy.stats.seen
        assert old_proxy.stats.count("POST", "/v1/records") == 3
        assert new_proxy.stats.count("POST", "/v1/records") == 0
        assert new_proxy.stats.count("POST", "/v1/sync") == 2
        # fs-sync/1: one request per record, one per upload, one check per record, the pull.
        assert len(old_proxy.stats.seen) - old_proxy.stats.count("PATCH") > 3 * 2
    finally:
        old_proxy.close()
        new_proxy.close()
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 6


def test_new_client_against_a_server_without_the_exchange(live_sqlite, tmp_path):
    live = live_sqlite
    app = live.running.server.config.app
    app.router.routes = [r for r in app.router.routes                  # an fs-sync/1 server
                         if getattr(r, "original_router", None) is not exchange_routes.router]
    proxy = _proxy(live)
    clock = {"now": datetime.now(timezone.utc)}
    try:
        dev, token = _laptop(live, tmp_path, "fallback", proxy=proxy, clock=lambda: clock["now"])
        assert proxy.stats.seen[:2] == [("POST", "/v1/sync"), ("GET", "/v1/pull")]
        proxy.stats.seen.clear()
        report = dev.engine(token=token, clock=lambda: clock["now"]).run()
        assert report.complete and [i.status for i in dev.outbox()] == ["sent"] * 3
        assert proxy.stats.count("POST", "/v1/sync") == 0               # remembered: no 404 each time
        assert proxy.stats.count("POST", "/v1/records") == 3
        clock["now"] += engine_mod.RETRY_EXCHANGE_AFTER + timedelta(minutes=1)
        proxy.stats.seen.clear()
        assert dev.engine(token=token, clock=lambda: clock["now"]).run().complete
        assert [p.split("?")[0] for _, p in proxy.stats.seen[:2]] == ["/v1/sync", "/v1/pull"]  # asked again
    finally:
        proxy.close()


@pytest.mark.parametrize("has_route", [False, True], ids=["released-fs-sync-1", "configured-fs-sync-1"])
def test_new_client_against_a_server_that_answers_426(request, tmp_path, has_route):
    """A server that checks the FS-Protocol header and speaks only fs-sync/1
    (the app as released before fs-sync/2; or this server configured so):
    the new client's fs-sync/2 header gets 426 naming fs-sync/1, and the
    client steps down to it instead of asking the sampler to upgrade."""
    url, world = conftest.make_database("sqlite", request, tmp_path)
    settings = replace(settings_for(tmp_path / "server-data", url), protocols=("fs-sync/1",))
    db = Database(url)
    app = create_app(settings, db)
    if not has_route:
        app.router.routes = [r for r in app.router.routes
                             if getattr(r, "original_router", None) is not exchange_routes.router]
    running = start_in_thread(app)
    live = conftest.Live(running.url, db, world, settings.data_dir, running, "sqlite")
    proxy = _proxy(live)
    try:
        dev, token = _laptop(live, tmp_path, "stepdown", proxy=proxy)
        # 426 to fs-sync/2, the exchange sent again with fs-sync/1's header (refused), then fs-sync/1.
        assert proxy.stats.seen[:3] == [("POST", "/v1/sync"), ("POST", "/v1/sync"), ("GET", "/v1/pull")]
        proxy.stats.seen.clear()
        report = dev.engine(token=token).run()
        assert report.upgrade_required is None and report.complete, report
        assert [i.status for i in dev.outbox()] == ["sent"] * 3
        assert proxy.stats.count("POST", "/v1/sync") == 0               # remembered since the pull above
        assert proxy.stats.count("POST", "/v1/records") == 3
        # Asked with fs-sync/1's header, the exchange (if it is there) is refused, not run.
        with live.client("s_a1") as c:
            body = {"protocol": "fs-sync/2", "pull": True}
            r = c.post("/v1/sync", json=body, headers={"FS-Protocol": "fs-sync/1"})
            assert r.status_code == (422 if has_route else 404)
            r = c.post("/v1/sync", json=body, headers={"FS-Protocol": "fs-sync/2"})
            assert r.status_code == 426 and r.json()["error"]["params"]["supported"] == ["fs-sync/1"]
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Record)) == 3
    finally:
        proxy.close()
        running.stop()
        db.close()


def test_a_record_the_server_fails_on_is_deferred_alone(live_sqlite, tmp_path, monkeypatch):
    live = live_sqlite
    dev, token = _laptop(live, tmp_path, "fail")
    bad = dev.outbox()[1].visit_id
    real_push = record_service.push

    def failing(*, session, principal, push):
        if push.visit_id == bad:
            raise RuntimeError("a bug on this record")
        return real_push(session=session, principal=principal, push=push)
    monkeypatch.setattr(record_service, "push", failing)
    report = dev.engine(token=token).run()
    by_visit = {i.visit_id: i.status for i in report.items}
    assert by_visit[bad] == "deferred" and sorted(by_visit.values()) == ["deferred", "sent", "sent"]
    monkeypatch.setattr(record_service, "push", real_push)          # the server fixed
    assert dev.engine(token=token).run().complete
    assert [i.status for i in dev.outbox()] == ["sent"] * 3


def test_a_record_and_its_amendment_in_one_run(live_sqlite, tmp_path):
    live = live_sqlite
    dev, token = _laptop(live, tmp_path, "amend", records=1)
    v, _ = dev.visits[dev.outbox()[0].visit_id]
    am = Amendment(id="am-x", path="remarks", old_value="", new_value="补充说明", reason="漏记",
                   created_at=datetime.now(timezone.utc).replace(microsecond=0), prev_hash=v.record_hash)
    am.hash = amendment_hash(am)
    with dev.store.session() as s:
        outbox.enqueue_amendment(s, v, am)
    proxy = _proxy(live)
    try:
        dev.server_url = proxy.url
        report = dev.engine(token=token).run(pull=False)
    finally:
        proxy.close()
    assert report.complete and [(i.kind, i.status) for i in report.items] == [("record", "sent"),
                                                                              ("amendment", "sent")]
    assert proxy.stats.count("POST", "/v1/sync") == 2
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AmendmentRecord)) == 1


@pytest.mark.parametrize("records", [60])
def test_more_records_than_one_batch(live_sqlite, tmp_path, records):
    live = live_sqlite
    dev, token = _laptop(live, tmp_path, "many", records=records)
    proxy = _proxy(live)
    try:
        dev.server_url = proxy.url
        report = dev.engine(token=token).run(pull=False)
    finally:
        proxy.close()
    assert report.complete and len(report.items) == records
    # Two batches (50 + 10). Every photo was asked about and uploaded after the
    # first, so the second batch is complete at once, and carries the first's confirmation.
    assert proxy.stats.count("POST", "/v1/sync") == 2


def test_a_record_refused_in_the_batch_costs_no_upload(live_sqlite, tmp_path):
    live = live_sqlite
    proxy = _proxy(live)
    try:
        dev, token = _laptop(live, tmp_path, "refused", proxy=proxy)
        cancelled = dev.outbox()[1]
        with live.client("adm_a") as c:
            assert c.post(f"/v1/tasks/{cancelled.task_id}/cancel", json={"reason": "企业已停业"}).status_code == 200
        proxy.stats.seen.clear()
        report = dev.engine(token=token).run()
    finally:
        proxy.close()
    by_visit = {i.visit_id: i for i in report.items}
    assert by_visit[cancelled.visit_id].status == "quarantined"
    assert "企业已停业" in by_visit[cancelled.visit_id].problems[0]["zh"]
    assert sorted(i.status for i in report.items) == ["quarantined", "sent", "sent"]
    refused_photos = set(dev.visits[cancelled.visit_id][1])
    sent = {p.rsplit("/", 1)[1] for m, p in proxy.stats.seen if m == "PATCH"}
    assert len(sent) == 10 and not sent & refused_photos
