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
from datetime import date

from app.domain.visit import EvidenceCategory as C
from app.domain.visit import SignerRole
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.services.device_key import DeviceKey
from app.services.workspace import Workspace
from sync.client import outbox
from sync.client.engine import SyncEngine
from sync.client.enroll import enroll
from tests.conftest import signature_png
from tests.scenarios import SAMPLE_FIELDS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def complete_visit(ws, task, make_jpeg):
    """The wizard's path through the services, signed by the task's team."""
    v = visits.start_visit(ws, task.id)
    steps.record_shown_documents(ws, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    assert visits.advance(ws, v.id) == Step.PARTY
    assert visits.advance(ws, v.id) == Step.EVIDENCE
    for cat in (C.SITE, C.STORAGE, C.LABEL, C.STOCK):
        evidence.add_evidence(ws, v.id, cat, make_jpeg())
    assert visits.advance(ws, v.id) == Step.SAMPLE
    steps.record_sample(ws, v.id, **SAMPLE_FIELDS)
    evidence.add_evidence(ws, v.id, C.SAMPLING, make_jpeg())
    assert visits.advance(ws, v.id) == Step.PAY
    steps.pay(ws, v.id)
    assert visits.advance(ws, v.id) == Step.SEAL
    steps.seal_samples(ws, v.id)
    evidence.add_evidence(ws, v.id, C.SEALED, make_jpeg())
    assert visits.advance(ws, v.id) == Step.SIGN
    for i, member in enumerate(task.team[:2]):
        signing.sign(ws, v.id, role=SignerRole.SAMPLER, name=member.name, png=signature_png(i + 1),
                     signer_ref=member.id)
    signing.sign(ws, v.id, role=SignerRole.PARTY, name=task.party.contact, png=signature_png(9))
    assert visits.advance(ws, v.id) == Step.DOCUMENTS
    return signing.finish(ws, v.id)


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
        engine = SyncEngine(server_url=url, sessions=ws.db.session, photo_source=ws.evidence.path)
        report = engine.run(push=False)
        from app.store import master_repo
        with ws.db.session() as s:
            rows = master_repo.list_tasks(s)
            tasks = [master_repo.load_task(s, r.id) for r in rows]
        assert len(tasks) == 7 and all(t.due_date == date.today().isoformat() for t in tasks)
        petrol = [t for t in tasks if t.plan_item_ids == ["2022-4-11"]][0]
        assert petrol.party.scope.value == "gas_station" and len(petrol.team) == 3
        v = complete_visit(ws, petrol, make_jpeg)
        with ws.db.session() as s:       # the finish service will call this itself
            outbox.enqueue_record(s, v)
        report = engine.run()
        assert report.complete and [i.status for i in report.items] == ["sent"]
        assert report.items[0].visit_id == v.id and report.deadlines[0].state == "met"
        with ws.db.session() as s:
            assert master_repo.load_task(s, petrol.id).status.value == "done"   # the server says so too
        out = subprocess.run([sys.executable, "-m", "sync.server.cli", "progress", "--data", str(data), "--json"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        rows = {r["product"]: r for r in json.loads(out)}
        assert rows["车用汽油"]["sampled"] == 1 and rows["车用汽油"]["synced"] == 1
        assert rows["车用汽油"]["assigned"] == 2 and rows["车用柴油"]["sampled"] == 0
    finally:
        proc.kill()
        proc.wait()
