"""A laptop whose clock was reset to 1985 (a flat clock battery) signs a
record: the server refuses it with the reason on the sync screen, naming
the time and asking to check the clock; the record made while the clock
was right is delivered, and the province's progress report still works."""
from __future__ import annotations

from datetime import datetime, timezone

from app.services.reference import list_tasks
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.ui.sync_harness import (cell, column, demo_server, open_window, sign_in,  # noqa: F401
                                   sync_now, team_of)


def _task(ws, party_part: str, product: str):
    return next(t for t in list_tasks(ws) if party_part in t.party_name and t.products == product)


def test_a_record_signed_under_a_wrong_clock_is_refused_with_the_reason(qtbot, demo_server, open_window,
                                                                          make_jpeg):
    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    fine = _task(ws, "双塔加油站", "车用汽油")
    reset = _task(ws, "晋阳加油站", "车用汽油")
    ok = complete_visit(ws, make_jpeg, signature_png, task_id=fine.id, samplers=team_of(ws, fine.id))
    right_clock = ws.clock
    ws.clock = lambda: datetime(1985, 1, 1, 8, 0, tzinfo=timezone.utc)
    try:
        wrong = complete_visit(ws, make_jpeg, signature_png, task_id=reset.id, samplers=team_of(ws, reset.id))
    finally:
        ws.clock = right_clock
    report = sync_now(qtbot, w)
    assert {i.visit_id: i.status for i in report.items} == {wrong.id: "quarantined", ok.id: "sent"}
    m = w.sync_screen.model
    rows = {cell(m, r, column(m, "抽样单编号")): r for r in range(m.rowCount())}
    reason = cell(m, rows[wrong.record_no], column(m, "原因"))
    assert reason.startswith("请检查设备时钟") and "开始时间" in reason and "1985-01-01 08:00 UTC" in reason
    assert cell(m, rows[ok.record_no], column(m, "同步状态")) == "已送达"
    assert demo_server.progress()["车用汽油"]["sampled"] == 1
