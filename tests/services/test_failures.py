"""Every error a sampler can meet is a clear sentence that says what to do
(the store under the worst day, point 2), each triggered for real: a full
disk on a small tmpfs the test mounts, a file deleted between choice and
read, a folder named like a photo, a mode-000 file read without root's
override capability."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.messages import RuleViolation
from app.services import evidence, failures, steps, visits
from app.services.reference import import_master_data
from app.services.workspace import Workspace
from tests.conftest import AGENCY, MINI_PLAN, SAMPLERS, make_task

ROOT = Path(__file__).resolve().parents[2]
RAW = ("Errno", "sqlite3", "OperationalError", "sqlalche.me", "autoflush", "Traceback")


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk, then give back `leave` bytes (whole pages)."""
    filler = disk / "filler.bin"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - size % 4096 - leave))
    return filler


def _temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(".tmp-*")]


def _workspace(disk: Path, clock) -> Workspace:
    ws = Workspace(disk / "data", clock=clock)
    import_master_data(ws, plan=MINI_PLAN, agencies=[AGENCY], samplers=SAMPLERS, tasks=[make_task()])
    return ws


def _plain(problems) -> str:
    text = "\n".join(p.text("zh_CN") for p in problems)
    assert not any(r in text for r in RAW), text
    return text


def test_full_disk_refuses_the_photo_in_plain_words_and_leaves_no_temp(small_disk, clock, make_jpeg):
    ws = _workspace(small_disk, clock)
    v = visits.start_visit(ws, "t-gas-1")
    photo = make_jpeg()
    _fill(small_disk)
    [(path, result)] = evidence.ingest_batch(ws, [str(photo)])
    assert isinstance(result, RuleViolation)
    assert [p.code for p in result.problems] == ["storage.disk_full"]
    assert "磁盘空间已满" in _plain(result.problems)
    assert _temps(ws.evidence.root) == []
    # The database, full too: the autosave's error is the same sentence.
    with pytest.raises(Exception) as e:
        for n in range(200):
            steps.record_remarks(ws, v.id, "现场情况说明" * 2000 + str(n))
    assert [p.code for p in failures.problems(e.value)] == ["storage.disk_full"]
    _plain(failures.problems(e.value))
    ws.close()


def test_disk_filling_between_original_and_thumbnail_leaves_no_orphan(small_disk, clock, make_jpeg):
    ws = _workspace(small_disk, clock)
    photo = make_jpeg()
    size = photo.stat().st_size
    _fill(small_disk, leave=-(-size // 4096) * 4096)    # room for the original, none for its thumbnail
    [(_, result)] = evidence.ingest_batch(ws, [str(photo)])
    assert isinstance(result, RuleViolation) and result.problems[0].code == "storage.disk_full"
    assert list(ws.evidence.iter_shas()) == []           # no object that nothing refers to
    assert _temps(ws.evidence.root) == []
    ws.close()


def test_deleted_file_and_folder_named_like_a_photo_are_named_in_the_message(workspace, make_jpeg, tmp_path):
    good, gone = make_jpeg("IMG_0001.jpg"), make_jpeg("IMG_0002.jpg")
    folder = tmp_path / "DCIM" / "IMG_0003.jpg"
    folder.mkdir(parents=True)
    gone.unlink()
    results = dict(evidence.ingest_batch(workspace, [str(good), str(gone), str(folder)]))
    assert not isinstance(results[str(good)], RuleViolation)
    assert "IMG_0002.jpg" in _plain(results[str(gone)].problems) and "已被删除" in _plain(results[str(gone)].problems)
    assert "IMG_0003.jpg" in _plain(results[str(folder)].problems) and "文件夹" in _plain(results[str(folder)].problems)
    assert "deleted or moved" in results[str(gone)].problems[0].text("en")


_UNPRIVILEGED = """
import json, sys
from app.services import evidence
from app.services.workspace import Workspace
ws = Workspace(sys.argv[1])
[(_, result)] = evidence.ingest_batch(ws, [sys.argv[2]])
print(json.dumps([[p.code, p.text("zh_CN")] for p in getattr(result, "problems", [])]))
ws.close()
"""


def test_unreadable_file_says_no_permission(tmp_path, make_jpeg):
    locked = make_jpeg("IMG_0009.jpg")
    locked.chmod(0)
    cmd = [sys.executable, "-c", _UNPRIVILEGED, str(tmp_path / "data"), str(locked)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot drop the capability that reads any file")
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
               "--inh-caps=-dac_override,-dac_read_search", "--"] + cmd
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [[code, text]] = json.loads(done.stdout)
    assert code == "file.denied"
    assert "IMG_0009.jpg" in text and "没有权限" in text and "Errno" not in text


def test_unforeseen_error_is_a_plain_sentence_not_the_exception():
    text = failures.user_text(KeyError("visit_id"), "zh_CN")
    assert "visit_id" not in text and "不会丢失" in text


def test_home_data_warns_when_the_disk_has_less_than_a_day_of_photos(small_disk, clock):
    from app.services import overview
    ws = _workspace(small_disk, clock)
    data = overview.home(ws, MINI_PLAN.id)
    assert data.disk_low and data.disk_free < data.disk_need     # 8 MB of tmpfs: far below a day
    ws.close()


def test_temp_files_of_a_dead_writer_go_at_the_next_start_a_live_writers_stay(tmp_path, clock):
    ws = Workspace(tmp_path / "data", clock=clock)
    objects = ws.evidence.objects / "ab"
    objects.mkdir()
    ws.close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    leftover = objects / f".tmp-{dead_pid}-k1ll3d"
    leftover.write_bytes(b"x" * 4096)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        busy = ws.evidence.thumbs / f".tmp-{live.pid}-wr1t1ng"
        busy.write_bytes(b"y")
        ws = Workspace(tmp_path / "data", clock=clock)       # the next start
        assert not leftover.exists()                          # swept at once, not after an hour
        assert busy.exists()                                  # another window is still writing it
        ws.close()
    finally:
        live.kill()
        live.wait()
