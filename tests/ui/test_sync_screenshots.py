"""Screenshots of the sync screen in Chinese and English, written to
artifacts/screenshots/: the sign-in form with a refused password, and the
signed-in screen after a sync that delivered one record, had one refused
(its task cancelled by the province meanwhile) and left one to send."""
from __future__ import annotations

import httpx

from app.services.reference import list_tasks
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.ui.sync_harness import (cell, column, demo_server, open_window, sign_in, sync_now,  # noqa: F401
                                   team_of)
from tests.ui.test_screenshots import _shoot, lang  # noqa: F401


def _cancel_on_server(server, task_id: str, reason: str) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        token = c.post("/v1/auth/login", json={"username": "agency", "password": server.password}).json()["token"]
        r = c.post(f"/v1/tasks/{task_id}/cancel", json={"reason": reason},
                   headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text


def test_sync_screen_screenshots(qtbot, themed, lang, artifacts_dir, demo_server, open_window, make_jpeg):
    w = open_window(demo_server.url)
    w.resize(1280, 800)
    sign_in(qtbot, w, "demo", "wrong-password", wait_sync=False)
    qtbot.waitUntil(lambda: w.sync_screen.form.error.isVisible(), timeout=15_000)
    _shoot(qtbot, w, "sync_signin", lang, artifacts_dir, (1280, 800))

    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    tasks = {(t.party_name[:8], t.products): t for t in list_tasks(ws)}
    done = [complete_visit(ws, make_jpeg, signature_png, task_id=t.id, samplers=team_of(ws, t.id))
            for t in (tasks[("太原市小店区晋阳", "车用汽油")], tasks[("太原市迎泽区双塔", "车用汽油")])]
    _cancel_on_server(demo_server, done[1].task_id, "该站停业整顿" if lang == "zh_CN" else "station closed")
    report = sync_now(qtbot, w)
    assert sorted(i.status for i in report.items) == ["quarantined", "sent"]
    t3 = tasks[("晋中市榆次区顺城", "车用柴油")]
    complete_visit(ws, make_jpeg, signature_png, task_id=t3.id, samplers=team_of(ws, t3.id))
    sync = w.sync_screen
    with qtbot.waitSignal(sync.records_loaded):
        sync.load_records()
    m = sync.model
    assert sorted(cell(m, r, column(m, m.columns[4].title)) for r in range(3)) == sorted(
        ["待发送", "已送达", "被退回"] if lang == "zh_CN" else ["Waiting to send", "Delivered", "Refused"])
    sync.table.selectRow(next(r for r in range(3) if m.row_at(r).status == "quarantined"))
    assert sync.release_button.isEnabled()
    w.show_screen("sync")
    _shoot(qtbot, w, "sync_screen", lang, artifacts_dir, (1280, 800))
    w.show_screen("tasks")
    qtbot.waitUntil(lambda: w.home.data is not None and w.home.data.awaiting_total == 2, timeout=5_000)
    _shoot(qtbot, w, "sync_home_after", lang, artifacts_dir, (1280, 800))
