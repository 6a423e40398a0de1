"""A process killed with SIGKILL while adding photos and saving steps loses
nothing it reported saved, and leaves no half-written photo."""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import visits
from app.services.workspace import Workspace
from tests.conftest import jpeg_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kill_after_lines", [7, 23, 61])
def test_sigkill_mid_visit_loses_no_saved_step(tmp_path, kill_after_lines):
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(12):
        (photos / f"IMG_{i:03d}.jpg").write_bytes(jpeg_bytes(i, (1600, 1200)))
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-m", "tests.services.crash_child", str(data), str(photos)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = []
    try:
        while len(lines) < kill_after_lines:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            lines.append(line.split())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    con = sqlite3.connect(data / "field-sampler.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    ws = Workspace(data)
    try:
        for kind, visit_id, *rest in lines:
            v = visits.load(ws, visit_id)           # every reported visit exists
            if kind == "FIELD":
                field, value = rest
                assert getattr(v.sample, field, None) == value or getattr(v, field, None) == value
            elif kind == "PHOTO":
                assert rest[0] in {e.sha256 for e in v.evidence}
                assert ws.evidence.exists(rest[0])
        # No object in the store is half written: its name is its hash.
        # Temp files (".tmp-*") may remain after a kill; they are never read as objects.
        objects = [p for p in (data / "evidence" / "objects").rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]
        assert objects
        for p in objects:
            assert hashlib.sha256(p.read_bytes()).hexdigest() == p.name
    finally:
        ws.close()
