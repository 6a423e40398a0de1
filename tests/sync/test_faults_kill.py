"""The server process really killed after it committed and before it
replied (once after a record, once in the middle of a photo), and a cut in
the middle of an upload that resumes re-sending at most one chunk."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import func, select

from sync.client.transport import RetryPolicy, Timeouts
from sync.server.db import Database
from sync.server.records.models import Record
from tests.sync.device import Device
from tests.sync.faultproxy import FaultProxy
from tests.sync.pgcluster import free_port
from tests.sync.test_faults import check_exactly_once
from tests.sync.world import add_big_tasks

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ServerProcess:
    def __init__(self, data_dir, db_url: str, *extra: str):
        self.data_dir, self.db_url, self.port = data_dir, db_url, free_port()
        self.extra = extra                 # e.g. --workers 1: one process, so a kill kills it all
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.kills = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "serve", "--data", str(self.data_dir), "--database-url",
             self.db_url, "--port", str(self.port), *self.extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill_and_restart(self) -> None:
        self.proc.kill()                 # SIGKILL: no graceful anything
        self.proc.wait()
        self.kills += 1
        self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _carries_records(req) -> bool:
    """A single push (fs-sync/1) or an exchange with a batch (fs-sync/2)."""
    return req.method == "POST" and (req.path == "/v1/records"
                                     or (req.path == "/v1/sync" and bool(json.loads(req.body).get("records"))))


@pytest.mark.parametrize("protocol", [1, None], ids=["fs-sync-1", "fs-sync-2"])
def test_server_killed_after_commit_before_reply(sqlite_template, tmp_path, protocol):
    db_file = tmp_path / "server.db"
    shutil.copyfile(sqlite_template.url, db_file)
    db_url = f"sqlite:///{db_file}"
    db = Database(db_url)
    with db.session() as s:
        task_ids = set(add_big_tasks(s, 2, prefix="kill-"))
    server = ServerProcess(tmp_path / "data", db_url)
    server.start()
    kills = {"record": False, "patch": 0}

    def schedule(req) -> str:
        if _carries_records(req) and not kills["record"]:
            kills["record"] = True
            return "kill_after_commit"
        if req.method == "PATCH":
            kills["patch"] += 1
            if kills["patch"] == 2:                  # the second chunk of the first photo
                return "kill_after_commit"
        return "pass"
    proxy = FaultProxy(("127.0.0.1", server.port), schedule, on_kill=server.kill_and_restart)
    try:
        dev = Device(tmp_path / "laptop", proxy.url, chunk_size=16 * 1024,
                     retry=RetryPolicy(base_s=0.05, max_delay_s=0.5, attempts=4),
                     timeouts=Timeouts(connect_s=1, read_s=5), key=sqlite_template.world.keys["s_a1"])
        token = sqlite_template.world.tokens["s_a1"]
        dev.engine(token=token).run(push=False)
        for t in [t for t, _ in dev.tasks() if t.id in task_ids]:
            dev.finish_visit(t, photo_sizes=(50_000,))
        for _ in range(20):
            dev.engine(token=token, protocol=protocol).run(pull=False)
            if all(i.status == "sent" for i in dev.outbox()):
                break
        assert server.kills == 2
        assert [i.status for i in dev.outbox()] == ["sent", "sent"]

        class LiveView:          # what check_exactly_once reads
            pass
        view = LiveView()
        view.db, view.data_dir = db, tmp_path / "data"
        check_exactly_once(view, dev, seed=0)
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Record).where(Record.task_id.in_(task_ids))) == 2
    finally:
        proxy.close()
        server.stop()
        db.close()


def test_cut_mid_upload_resends_at_most_one_chunk(live_sqlite, tmp_path):
    chunk = 64 * 1024
    state = {"patches": 0}

    def schedule(req) -> str:
        if req.method == "PATCH":
            state["patches"] += 1
            if state["patches"] == 4:
                return "drop_mid_body"
        return "pass"
    host, port = live_sqlite.url.rsplit("//", 1)[1].rsplit(":", 1)
    proxy = FaultProxy((host, int(port)), schedule, seed=3)
    try:
        dev = Device(tmp_path / "laptop", proxy.url, chunk_size=chunk, key=live_sqlite.world.keys["s_a1"])
        token = live_sqlite.world.tokens["s_a1"]
        dev.engine(token=token).run(push=False)
        task = [t for t, _ in dev.tasks() if t.plan_item_ids == ["2022-4-11"]][0]
        v, blobs = dev.finish_visit(task, photo_sizes=(600_000,))
        report = dev.engine(token=token).run(pull=False)
        assert report.complete and report.resumed_uploads == 1
        total = sum(len(b) for b in blobs.values())
        resent = report.bytes_sent - total
        assert 0 < resent <= chunk, resent
        # On the wire the server received each photo byte once.
        assert proxy.stats.body_bytes_up["PATCH"] <= total + chunk
    finally:
        proxy.close()
