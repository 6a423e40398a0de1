"""The home screen says when the data folder's disk has less room than a
day of photos needs (a real 8 MB tmpfs), and says nothing otherwise."""
from __future__ import annotations

from app.services.reference import import_master_data
from app.ui import ops
from app.services.workspace import Workspace
from tests.conftest import AGENCY, MINI_PLAN, SAMPLERS, make_task


def _show(qtbot, home, ws):
    import_master_data(ws, plan=MINI_PLAN, agencies=[AGENCY], samplers=SAMPLERS, tasks=[make_task()])
    home.set_workspace(ws, MINI_PLAN.id, prompt_recovery=False)
    qtbot.waitUntil(lambda: home.data is not None, timeout=10_000)


def test_low_disk_is_shown_in_red_with_what_is_left(qtbot, home, small_disk, clock):
    ws = Workspace(small_disk / "data", clock=clock)
    _show(qtbot, home, ws)
    assert home.disk_label.isVisible()
    assert "磁盘空间不足" in home.disk_label.text() and "MB" in home.disk_label.text()
    home._refresh_timer.stop()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    ws.close()


def test_enough_disk_shows_no_warning(qtbot, home, tmp_path, clock):
    ws = Workspace(tmp_path / "data", clock=clock)
    _show(qtbot, home, ws)
    assert home.data.disk_free >= home.data.disk_need, "this machine's own disk is low"
    assert not home.disk_label.isVisible()
    home._refresh_timer.stop()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    ws.close()
