"""End to end: `field-sampler-server demo` on loopback (a real process), a
laptop enrolls as the demo sampler, pulls today's tasks, completes a visit,
pushes it with its photos, and `progress` shows it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date

from tests.sync.device import Device

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_demo_server_enroll_pull_push_progress(tmp_path, memory_keyring):
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
        dev = Device(tmp_path / "laptop", url)
        enrollment = dev.enroll("demo", password)
        assert enrollment.user.name == "王建国"
        report = dev.engine().run(push=False)
        tasks = [t for t, _ in dev.tasks()]
        assert len(tasks) == 7 and all(t.due_date == date.today().isoformat() for t in tasks)
        petrol = [t for t in tasks if t.plan_item_ids == ["2022-4-11"]][0]
        assert petrol.party.scope == "gas_station" and len(petrol.team) == 3
        dev.finish_visit(petrol)
        report = dev.engine().run()
        assert report.complete and [i.status for i in report.items] == ["sent"]
        out = subprocess.run([sys.executable, "-m", "sync.server.cli", "progress", "--data", str(data), "--json"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        rows = {r["product"]: r for r in json.loads(out)}
        assert rows["车用汽油"]["sampled"] == 1 and rows["车用汽油"]["synced"] == 1
        assert rows["车用汽油"]["assigned"] == 2 and rows["车用柴油"]["sampled"] == 0
    finally:
        proc.kill()
        proc.wait()
