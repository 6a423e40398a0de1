"""Session markers without Qt, against real processes: a live session is
running, a killed one (even before its parent reaps it) crashed, a clean end
leaves nothing behind, and the visit noted last is what is on disk."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.services import session_marker

ROOT = Path(__file__).resolve().parents[2]
CHILD = ("import sys, time\n"
         "from app.services import session_marker\n"
         "s, _ = session_marker.start(sys.argv[1]); s.set_visit('v-open'); s.flush()\n"
         "print('READY', flush=True); time.sleep(60)\n")


def spawn(data: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout.readline().strip() == "READY"
    return child


def test_live_session_is_running_and_killed_one_crashed_even_unreaped(tmp_path):
    data = tmp_path / "data"
    child = spawn(data)
    try:
        found = session_marker.scan(data)
        assert [m.pid for m in found.running] == [child.pid] and found.crashed == []
    finally:
        child.send_signal(signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)   # it has died, but is not reaped
    # not yet waited for: a zombie with the same pid and start time is dead all the same
    found = session_marker.scan(data)
    assert found.running == [] and [m.pid for m in found.crashed] == [child.pid]
    assert found.open_visit == "v-open"
    child.wait(timeout=10)
    assert session_marker.scan(data).open_visit == "v-open"


def test_clean_end_leaves_no_marker_and_later_notes_are_dropped(tmp_path):
    data = tmp_path / "data"
    session, previous = session_marker.start(data)
    assert previous.crashed == [] and previous.running == []
    session_marker.visit_opened(data, "v1")
    session_marker.visit_opened(data, "v2")       # a newer wizard
    session_marker.visit_closed(data, "v1")       # the old one going away keeps v2
    assert session.flush()
    assert session_marker.read(session.path).visit_id == "v2"
    # our own live marker is not a crash, nor is it another window
    assert session_marker.scan(data).running[0].path == session.path
    session.end()
    session_marker.visit_opened(data, "v3")
    assert list(session_marker.scan(data).crashed) == [] and not session.path.exists()


def test_marker_of_an_earlier_process_with_our_pid_is_a_crash(tmp_path):
    data = tmp_path / "data"
    session, _ = session_marker.start(data)
    session.set_visit("v-old")
    session.flush()
    session_marker._active.pop(session.token)     # as if that process had died and we got its pid
    found = session_marker.scan(data)
    assert found.open_visit == "v-old" and found.running == []
    session_marker.forget(found.crashed)
    assert session_marker.scan(data).crashed == []
