"""End to end: `field-sampler-server demo` on loopback (a real process), a
laptop enrolls as the demo sampler with its device key, pulls today's tasks
into its store, completes a visit through the services layer, pushes it with
its photos and signatures, and `progress` shows it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

from app.domain import record_signature
from app.domain.times import china_today
from app.services import signing
from app.services.device_key import DeviceKey
from app.services.workspace import Workspace
from sync.client import outbox
from sync.client.engine import SyncEngine
from sync.client.enroll import enroll
from tests.conftest import signature_png
from tests.scenarios import complete_visit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_demo_server_enroll_pull_push_progress(tmp_path, memory_keyring, make_jpeg):
    data = tmp_path / "server-data"
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "demo", "--data", str(data), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = password = None
        deadline = time.monotonic() + 60
        while (url is None or password is None) and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if m := re.search(r"listening on (http://127\.0\.0\.1:\d+)", line):
                url = m.group(1)
            if m := re.search(r"user demo\s+password (\S+)", line):
                password = m.group(1)
        assert url and password, "demo did not print its address and password"
        for _ in range(100):       # the banner is printed just before uvicorn accepts
            try:
                import httpx
                httpx.get(url + "/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        ws = Workspace(tmp_path / "laptop")
        key = DeviceKey.load_or_create()
        enrollment = enroll(url, "demo", password, key.public_key_bytes(), device_name="抽样笔记本")
        assert enrollment.user.name == "王建国"
        engine = SyncEngine(server_url=url, db=ws.db, photo_source=ws.evidence.path, signer=key)
        report = engine.run(push=False)
        from app.store import master_repo
        with ws.db.session() as s:
            rows = master_repo.list_tasks(s)
            tasks = [master_repo.load_task(s, r.id) for r in rows]
        assert len(tasks) == 7 and all(t.due_date == china_today().isoformat() for t in tasks)
        petrol = [t for t in tasks if t.plan_item_ids == ["2022-4-11"]][0]
        assert petrol.party.scope.value == "gas_station" and len(petrol.team) == 3
        before = progress(data)
        v = complete_visit(ws, make_jpeg, signature_png, petrol.id,
                           samplers=[(m.id, m.name) for m in petrol.team])
        with ws.db.session() as s:       # the finish service did it: a second call changes nothing
            outbox.enqueue_record(s, v)
        signing.amend(ws, v.id, path="sample.batch_no", new_value="20221114-09", reason="笔误",
                      party_png=signature_png(9))
        report = engine.run()
        assert report.complete and [(i.kind, i.status) for i in report.items] == [("record", "sent"),
                                                                                  ("amendment", "sent")]
        assert report.items[0].visit_id == v.id and report.deadlines[0].state == "met"
        with ws.db.session() as s:
            assert master_repo.load_task(s, petrol.id).status.value == "done"   # the server says so too
        rows = progress(data)
        # the demo's week-3 history (other teams) is there too: this push adds one
        assert rows["车用汽油"]["sampled"] == before["车用汽油"]["sampled"] + 1
        assert rows["车用汽油"]["synced"] == before["车用汽油"]["synced"] + 1
        assert rows["车用汽油"]["assigned"] == before["车用汽油"]["assigned"]
        assert rows["车用柴油"]["sampled"] == before["车用柴油"]["sampled"]
        _check_signed_by(data, key, v.id)
    finally:
        proc.kill()
        proc.wait()


def _check_signed_by(data, key, visit_id: str) -> None:
    """The server kept the push's signatures (the record's and its
    amendment's), made with this laptop's key."""
    from sqlalchemy import select

    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.records.models import AmendmentRecord, Record
    db = Database(settings_for(data).db_url, run_migrations=False)
    try:
        with db.session() as s:
            rec_id, rec_hash, rec_sig = s.execute(select(Record.id, Record.record_hash, Record.signature)
                                                  .where(Record.visit_id == visit_id)).one()
            rows = [("record", rec_hash, rec_sig)] + [
                ("amendment", h, sig) for h, sig in s.execute(
                    select(AmendmentRecord.hash, AmendmentRecord.signature).where(AmendmentRecord.record_id == rec_id))]
    finally:
        db.close()
    assert len(rows) == 2
    assert all(record_signature.verify(key.public_key_bytes(), kind, h, sig) for kind, h, sig in rows)


def progress(data) -> dict:
    out = subprocess.run([sys.executable, "-m", "sync.server.cli", "progress", "--data", str(data), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {r["product"]: r for r in json.loads(out)}
