"""On the sync screen: a record the server keeps failing on (5xx) is retried
run after run, then shown set aside (被退回) with the server's message, while
the record behind it was delivered at the first sync. Real widgets against
the demo server on loopback; the app syncs over the exchange (fs-sync/2),
where the server answers its failure on that one record in the record's
result (the fs-sync/1 path: tests/sync/test_server_faults.py)."""
from __future__ import annotations

from datetime import timedelta

from app.services.reference import list_tasks
from app.store.sync_models import OutboxItem
from sync.client.outbox import SERVER_FAULT_LIMIT
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from sync.server.records import service as record_service
from tests.ui.sync_harness import (FAST, cell, column, demo_server, open_window, sign_in,  # noqa: F401
                                   sync_now, team_of)


def _task(ws, party_part: str, product: str):
    return next(t for t in list_tasks(ws) if party_part in t.party_name and t.products == product)


def test_record_failing_on_the_server_is_set_aside_with_its_message(qtbot, demo_server, open_window, make_jpeg,
                                                                     monkeypatch):
    poison: set[str] = set()
    real_push = record_service.push

    def failing(*, session, principal, push):
        if push.client_id in poison:
            raise RuntimeError("database write failed")
        return real_push(session=session, principal=principal, push=push)
    monkeypatch.setattr(record_service, "push", failing)
    w = open_window(demo_server.url, engine_options={**FAST, "defer": lambda n: timedelta(0)})
    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    first, second = _task(ws, "晋阳加油站", "车用汽油"), _task(ws, "双塔加油站", "车用汽油")
    bad = complete_visit(ws, make_jpeg, signature_png, task_id=first.id, samplers=team_of(ws, first.id))
    good = complete_visit(ws, make_jpeg, signature_png, task_id=second.id, samplers=team_of(ws, second.id))
    with ws.db.read() as s:
        poison.add(s.query(OutboxItem).filter_by(visit_id=bad.id).one().client_id)
    sync, m = w.sync_screen, w.sync_screen.model
    for n in range(1, SERVER_FAULT_LIMIT):
        report = sync_now(qtbot, w)
        assert {i.visit_id: i.status for i in report.items} == (
            {bad.id: "deferred", good.id: "sent"} if n == 1 else {bad.id: "deferred"})
        rows = {cell(m, r, column(m, "抽样单编号")): r for r in range(m.rowCount())}
        assert cell(m, rows[bad.record_no], column(m, "同步状态")) == "待发送"
        assert cell(m, rows[bad.record_no], column(m, "原因")) == "上次发送失败，将自动重试"
    report = sync_now(qtbot, w)
    assert [(i.visit_id, i.status) for i in report.items] == [(bad.id, "quarantined")]
    rows = {cell(m, r, column(m, "抽样单编号")): r for r in range(m.rowCount())}
    assert cell(m, rows[bad.record_no], column(m, "同步状态")) == "被退回"
    reason = cell(m, rows[bad.record_no], column(m, "原因"))
    assert reason == report.items[0].problems[0]["zh"]
    assert "服务器内部错误" in reason and f"已试{SERVER_FAULT_LIMIT}次" in reason
    assert cell(m, rows[good.record_no], column(m, "同步状态")) == "已送达"
    assert "1条记录被服务器退回" in sync.message.text()
    assert sync_now(qtbot, w).items == []          # set aside: no more tries until released
