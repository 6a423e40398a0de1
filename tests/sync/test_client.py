"""The sync client against a real server on loopback: enrollment, pull,
push with photos, quarantine, cancellation, revocation, a restored server."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta, timezone

import keyring
from sqlalchemy import func, select

from sync.client import outbox
from sync.client.cancel import CancelToken
from sync.client.worker import start_sync
from sync.server.app import create_app
from sync.server.blobs.models import Blob
from sync.server.db import Database
from sync.server.records.models import Record
from sync.server.runner import start_in_thread
from tests.sync.device import Device
from tests.sync.world import PASSWORD


def _records(live) -> int:
    with live.db.session() as s:
        return s.scalar(select(func.count()).select_from(Record))


def test_enroll_pull_push_exactly_once_with_progress(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    enrollment = dev.enroll("s_a1", PASSWORD)
    assert enrollment.user.team_id == "team-a1"
    token = keyring.get_password("field-sampler", f"sync-token:{live.url}")
    assert token and token.encode() not in (tmp_path / "laptop" / "local.db").read_bytes()
    report = dev.engine().run(push=False)
    assert report.pull.full and report.pull.tasks == 4
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    dev.finish_visit(tasks["2022-4-11"])
    dev.finish_visit(tasks["2022-4-18"])
    seen = []
    report = dev.engine().run(on_progress=seen.append)
    assert [i.status for i in report.items] == ["sent", "sent"], report
    assert report.complete and not report.pull.full          # incremental pull the second time
    assert seen[-1].phase == "done" and seen[-1].records_done == 2 and seen[-1].photos_done == 10
    assert seen[-1].bytes_done == seen[-1].bytes_total > 180_000
    done = [p.bytes_done for p in seen]
    assert done == sorted(done)                               # progress never goes backwards
    assert all(d.state == "met" for d in report.deadlines)
    # Running again sends nothing and changes nothing.
    again = dev.engine().run()
    assert again.items == [] and _records(live) == 2
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 10


def test_rejected_record_is_quarantined_and_the_rest_goes_on(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    # Three batches at one gas station: the third breaks the two-per-party rule.
    v1, _ = dev.finish_visit(tasks["2022-4-11"])
    v3, _ = dev.finish_visit(tasks["2022-4-12"])
    v2, _ = dev.finish_visit(tasks["2022-4-10"])
    v4, _ = dev.finish_visit(tasks["2022-4-18"])
    report = dev.engine().run()
    by_visit = {i.visit_id: i for i in report.items}
    assert [by_visit[v.id].status for v in (v1, v3, v2, v4)] == ["sent", "sent", "quarantined", "sent"]
    problem = by_visit[v2.id].problems[0]
    assert problem["code"] == "batch.per_party" and "2个批次" in problem["zh"]
    with dev.store.session() as s:
        assert outbox.summary(s) == {"sent": 3, "quarantined": 1}
        quarantined = [i for i in dev.outbox() if i.status == "quarantined"][0]
        assert outbox.problems_of(quarantined)[0]["code"] == "batch.per_party"
        assert quarantined.canonical and quarantined.record_hash == v2.record_hash   # kept, not dropped


def test_cancelled_task_is_shown_not_deleted_and_its_record_is_set_aside(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    task = [t for t, _ in dev.tasks() if t.id == live.world.tasks["a1_down"]][0]
    with live.client("adm_a") as c:
        assert c.post(f"/v1/tasks/{task.id}/cancel", json={"reason": "企业已停业"}).status_code == 200
    v, _ = dev.finish_visit(task)        # the sampler finished the visit offline meanwhile
    report = dev.engine().run()
    assert [t.id for t in report.pull.cancelled] == [task.id]
    local = {t.id: (t, w) for t, w in dev.tasks()}
    assert local[task.id][0].status == "cancelled" and local[task.id][0].cancel_reason == "企业已停业"
    assert not local[task.id][1]
    assert report.items[0].status == "quarantined" and "企业已停业" in report.items[0].problems[0]["zh"]
    assert dev.outbox()[0].canonical                              # the signed record is still here


def test_revoked_device_stops_and_resumes_after_enrolling_again(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    enrollment = dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    dev.finish_visit(tasks["2022-4-11"])
    assert dev.engine().run().complete
    with live.client("adm_a") as c:
        c.post(f"/v1/devices/{enrollment.device_id}/revoke")
    dev.finish_visit(tasks["2022-4-18"])
    report = dev.engine().run()
    assert report.auth_error is not None and report.auth_error.code == "auth.device_revoked"
    assert "停用" in report.auth_error.zh
    assert [i.status for i in dev.outbox()] == ["sent", "pending"]
    dev.enroll("s_a1", PASSWORD)
    assert dev.engine().run().complete
    assert [i.status for i in dev.outbox()] == ["sent", "sent"] and _records(live) == 2


def test_server_restored_from_older_backup(live_sqlite, tmp_path, memory_keyring):
    live = live_sqlite
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    db_path = live.db.engine.url.database
    live.running.stop()
    live.db.close()
    shutil.copyfile(db_path, tmp_path / "backup.db")            # the nightly backup
    live.db = Database(f"sqlite:///{db_path}")
    live.running = start_in_thread(create_app(live.running.server.config.app.state.settings, live.db),
                                   port=int(live.url.rsplit(":", 1)[1]))
    dev.finish_visit(tasks["2022-4-11"])
    with live.client("adm_a") as c:
        c.post(f"/v1/tasks/{live.world.tasks['a1_urea']}/cancel", json={"reason": "x"})
    assert dev.engine().run().complete and _records(live) == 1
    # Disaster: the server comes back from the backup, without that record and change.
    settings = live.running.server.config.app.state.settings
    live.running.stop()
    live.db.close()
    shutil.copyfile(tmp_path / "backup.db", db_path)
    live.db = Database(f"sqlite:///{db_path}")
    live.running = start_in_thread(create_app(settings, live.db), port=int(live.url.rsplit(":", 1)[1]))
    report = dev.engine().run()
    assert report.pull.refreshed_after_412 and report.pull.full
    statuses = {t.id: t.status for t, _ in dev.tasks()}
    assert statuses[live.world.tasks["a1_urea"]] == "assigned"  # the server's truth again
    assert [i.status for i in report.items] == ["sent"]           # re-sent what the server lost
    assert _records(live) == 1


def test_cancel_stops_promptly_and_the_next_run_finishes(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url, chunk_size=16 * 1024)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    dev.finish_visit(tasks["2022-4-11"], photo_sizes=(400_000, 400_000))
    token_holder = {}

    def on_progress(p):
        if p.bytes_done > 100_000:
            token_holder["handle"].cancel()
    finished = threading.Event()
    handle = start_sync(dev.engine(), on_progress=on_progress, on_done=lambda r: finished.set())
    token_holder["handle"] = handle
    report = handle.join(timeout=30)
    assert finished.is_set() and report.cancelled and not report.complete
    assert dev.outbox()[0].status in ("pending", "accepted")
    final = dev.engine().run()
    assert final.complete and dev.outbox()[0].status == "sent"
    assert final.bytes_sent < 820_000                 # resumed: the first 100 kB were not sent again


def test_deadline_per_record(live, tmp_path, memory_keyring):
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    tasks = {t.plan_item_ids[0]: t for t, _ in dev.tasks()}
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
    dev.finish_visit(tasks["2022-4-11"], finished_at=three_days_ago)
    dev.finish_visit(tasks["2022-4-18"])
    with dev.store.session() as s:
        assert [d.state for d in outbox.deadlines(s)] == ["overdue", "due"] or \
            [d.state for d in outbox.deadlines(s)] == ["overdue", "near"]

    def rows():
        with live.client("adm_a") as c:
            return {r["plan_item_id"]: r for r in c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]}
    before = rows()     # team a2's 汽油 task is past its due date with no record: overdue already
    assert before["2022-4-11"]["overdue"] == 2 and before["2022-4-18"]["overdue"] == 1
    report = dev.engine().run()
    assert [d.state for d in report.deadlines] == ["missed", "met"]
    after = rows()      # the late record stays overdue (entered after the next-day deadline) ...
    assert after["2022-4-11"]["overdue"] == 2 and after["2022-4-18"]["overdue"] == 0   # ... the on-time one clears it
    assert after["2022-4-11"]["synced"] == after["2022-4-18"]["synced"] == 1


def test_a_captive_portal_answer_is_not_success(tmp_path, memory_keyring):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self):
            self._page()

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._page()

        def _page(self):
            body = "<html>请先登录 Wi-Fi</html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        dev = Device(tmp_path / "laptop", url)
        keyring.set_password("field-sampler", f"sync-token:{url}", "tok")
        from tests.sync.visits import finished_visit
        import random
        from sync.client import outbox as ob
        v, _ = finished_visit(task_id="t", party={"scope": "gas_station"}, product="车用汽油", plan_item_id="2022-4-11",
                              rng=random.Random(1))
        with dev.store.session() as s:
            ob.enqueue_record(s, v)
        report = dev.engine().run(pull=False)
        assert report.items[0].status == "deferred" and not report.complete
        assert dev.outbox()[0].status == "pending"
    finally:
        httpd.shutdown()
