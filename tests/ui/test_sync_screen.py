"""The sync screen through real widgets offscreen against the real demo
server on loopback: sign-in, the first pull onto the home screen, a finished
visit delivered with its deadline met, a refused record shown with its
reason while the others go on, and cancel."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.services.reference import list_tasks
from app.store.sync_models import OutboxItem
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.ui.sync_harness import (FAST, cell, column, demo_server, open_window, sign_in,  # noqa: F401
                                   sync_now, team_of)
from tests.ui.clicking import click

RED = "#c62828"


def _task(ws, party_part: str, product: str):
    return next(t for t in list_tasks(ws) if party_part in t.party_name and t.products == product)


def test_wrong_password_shows_the_chinese_error_and_keeps_the_user_name(qtbot, demo_server, open_window):
    w = open_window(demo_server.url)
    sync = w.sync_screen
    assert w.current_screen() == "tasks" and sync.pages.currentWidget() is sync.form
    assert sync.form.server.text() == demo_server.url          # from the settings
    sign_in(qtbot, w, "demo", "not-the-password", wait_sync=False)
    qtbot.waitUntil(lambda: sync.form.error.isVisible(), timeout=15_000)
    assert sync.form.error.text() == "用户名或密码错误"
    assert sync.form.username.text() == "demo" and sync.form.password.text() == ""
    assert sync.form.button.isEnabled() and sync.who is None
    assert sync.pages.currentWidget() is sync.form


def test_sign_in_then_sync_brings_the_tasks_to_the_home_screen(qtbot, demo_server, open_window, memory_keyring,
                                                               tmp_path):
    w = open_window(demo_server.url)
    assert w.last_sync_label.text() == "上次同步：从未同步"
    report = sign_in(qtbot, w, "demo", demo_server.password)
    sync = w.sync_screen
    assert report.pull is not None and report.pull.tasks == 7
    assert sync.pages.currentIndex() == 2 and "王建国（demo）" in sync.who_label.text()
    qtbot.waitUntil(lambda: w.home.tasks.model.rowCount() == 7, timeout=10_000)
    assert "太原市小店区晋阳加油站（示例）" in [t.party_name for t in w.home.tasks.model.rows]
    assert "已更新任务7个" in sync.message.text()
    qtbot.waitUntil(lambda: "从未同步" not in w.last_sync_label.text(), timeout=5_000)
    # In China time, like the deadlines, whatever the laptop's time zone.
    from datetime import datetime, timedelta, timezone
    china_now = datetime.now(timezone(timedelta(hours=8)))
    shown = datetime.strptime(w.last_sync_label.text().split("：", 1)[1], "%Y-%m-%d %H:%M")
    assert abs(shown - china_now.replace(tzinfo=None, second=0, microsecond=0)) <= timedelta(minutes=2)
    assert w.connectivity.online is True
    # the token is in the keyring; the password is nowhere on disk
    assert any(k[1].startswith("sync-token:") for k in memory_keyring.store)
    for f in tmp_path.rglob("*"):
        if f.is_file() and "server" not in f.parts:
            assert demo_server.password.encode() not in f.read_bytes(), f


def test_finished_visit_is_delivered_with_its_deadline_met(qtbot, demo_server, open_window, make_jpeg):
    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    task = _task(ws, "晋阳加油站", "车用汽油")
    v = complete_visit(ws, make_jpeg, signature_png, task_id=task.id, samplers=team_of(ws, task.id))
    sync = w.sync_screen
    sync.load_records()
    qtbot.waitUntil(lambda: sync.model.rowCount() == 1, timeout=5_000)
    m = sync.model
    assert cell(m, 0, column(m, "同步状态")) == "待发送" and cell(m, 0, column(m, "录入期限")).startswith("截止")
    report = sync_now(qtbot, w)
    assert [i.status for i in report.items] == ["sent"]
    assert cell(m, 0, column(m, "抽样单编号")) == v.record_no
    assert cell(m, 0, column(m, "受检单位")) == "太原市小店区晋阳加油站（示例）"
    assert cell(m, 0, column(m, "同步状态")) == "已送达"
    assert cell(m, 0, column(m, "录入期限")) == "已按期录入"
    assert sync.records_bar.value() == sync.records_bar.maximum() == 1
    assert sync.bytes_bar.value() == sync.bytes_bar.maximum() > 0      # photos went up
    qtbot.waitUntil(lambda: w.home.data is not None and w.home.data.awaiting_total == 0, timeout=5_000)
    progress = demo_server.progress()["车用汽油"]
    assert progress["sampled"] == 1 and progress["synced"] == 1


def test_refused_record_shows_its_reason_while_the_others_sync(qtbot, demo_server, open_window, make_jpeg,
                                                               tmp_path):
    """Another laptop of the team already delivered a petrol batch at 晋阳加油站:
    this one's petrol record there breaks one-batch-per-product-per-party."""
    from sync.client import credentials
    from tests.sync.device import Device
    other = Device(tmp_path / "other-laptop", demo_server.url)
    other.enroll("sampler2", demo_server.password)
    token = credentials.load_token(demo_server.url)      # the other laptop's keyring is not this one's
    credentials.forget_token(demo_server.url)
    other.engine(token=token).run(push=False)
    petrol = next(t for t, _ in other.tasks() if t.party.name.startswith("太原市小店区晋阳") and
                  t.plan_item_ids == ["2022-4-11"])
    other.finish_visit(petrol)
    assert other.engine(token=token).run().complete

    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    twice = _task(ws, "晋阳加油站", "车用汽油")
    fine = _task(ws, "双塔加油站", "车用汽油")
    refused = complete_visit(ws, make_jpeg, signature_png, task_id=twice.id, samplers=team_of(ws, twice.id))
    ok = complete_visit(ws, make_jpeg, signature_png, task_id=fine.id, samplers=team_of(ws, fine.id))
    report = sync_now(qtbot, w)
    assert {i.visit_id: i.status for i in report.items} == {refused.id: "quarantined", ok.id: "sent"}
    sync, m = w.sync_screen, w.sync_screen.model
    rows = {cell(m, r, column(m, "抽样单编号")): r for r in range(m.rowCount())}
    bad, good = rows[refused.record_no], rows[ok.record_no]
    assert cell(m, bad, column(m, "同步状态")) == "被退回"
    reason = cell(m, bad, column(m, "原因"))
    assert reason and reason == report.items[0].problems[0]["zh"]
    assert m.data(m.index(bad, 0), Qt.ItemDataRole.ForegroundRole).color().name() == RED
    assert cell(m, good, column(m, "同步状态")) == "已送达" and cell(m, good, column(m, "原因")) == ""
    assert "1条记录被服务器退回" in sync.message.text()
    # the refused record stays waiting on the home screen, marked
    qtbot.waitUntil(lambda: w.home.data is not None and w.home.data.awaiting_total == 1, timeout=5_000)
    assert w.home.awaiting.model.rows[0].visit.id == refused.id
    # release: queued again and re-submitted (the server still refuses it)
    assert not sync.release_button.isEnabled()
    sync.table.selectRow(good)
    assert not sync.release_button.isEnabled()
    sync.table.selectRow(bad)
    assert sync.release_button.isEnabled()
    with qtbot.waitSignal(sync.sync_finished, timeout=30_000) as sig:
        click(qtbot, sync.release_button)
    assert [(i.visit_id, i.status) for i in sig.args[0].items] == [(refused.id, "quarantined")]
    with ws.db.session() as s:
        assert s.get(OutboxItem, report.items[0].client_id).canonical      # kept, never dropped


def test_cancel_stops_a_sync_in_progress_without_losing_anything(qtbot, demo_server, open_window, make_jpeg):
    """Photos over a slow link in small chunks; cancel mid-upload; the next
    sync finishes the job and the server holds the record once."""
    from tests.sync.faultproxy import FaultProxy
    host, port = demo_server.url.removeprefix("http://").split(":")
    slow = {"on": True}
    proxy = FaultProxy((host, int(port)), lambda r: "slow" if slow["on"] and r.method == "PATCH" else "pass",
                       slow_s=(0.05, 0.05))
    try:
        w = open_window(proxy.url, engine_options={**FAST, "chunk_size": 8192})
        sign_in(qtbot, w, "demo", demo_server.password)
        ws = w.workspace
        task = _task(ws, "晋阳加油站", "车用汽油")
        v = complete_visit(ws, make_jpeg, signature_png, task_id=task.id, samplers=team_of(ws, task.id))
        sync = w.sync_screen
        seen = []

        def on_progress(p):
            seen.append(p)
            if p.bytes_done > 0 and sync.cancel_button.isEnabled():
                sync.cancel()         # what a click on 取消同步 does
        sync.runner.progress.connect(on_progress)
        with qtbot.waitSignal(sync.sync_finished, timeout=30_000) as sig:
            click(qtbot, sync.sync_button)
        sync.runner.progress.disconnect(on_progress)
        report = sig.args[0]
        assert report.cancelled and sync.phase_label.text() == "同步已取消，已完成的部分已保存"
        assert 0 < max(p.bytes_done for p in seen) < max(p.bytes_total for p in seen)
        m = sync.model
        assert cell(m, 0, column(m, "同步状态")) == "已接收，照片上传中"
        assert sync.sync_button.isEnabled() and not sync.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: w.home.data is not None and w.home.data.awaiting_total == 1, timeout=5_000)
        slow["on"] = False
        again = sync_now(qtbot, w)
        assert again.complete and [i.status for i in again.items] == ["sent"]
        assert cell(m, 0, column(m, "同步状态")) == "已送达"
        assert demo_server.progress()["车用汽油"]["synced"] == 1
        with ws.db.session() as s:
            assert s.query(OutboxItem).filter_by(visit_id=v.id).one().status == "sent"
    finally:
        proxy.close()


def test_sync_starts_by_itself_when_the_server_is_reachable_again(qtbot, demo_server, open_window, make_jpeg):
    """The link goes down (a proxy answers with an HTML error page, like a
    captive portal), the indicator turns 离线; when it comes back the
    waiting record goes up without a click."""
    from tests.sync.faultproxy import FaultProxy
    host, port = demo_server.url.removeprefix("http://").split(":")
    link = {"up": True}
    proxy = FaultProxy((host, int(port)), lambda r: "pass" if link["up"] else "error_5xx")
    try:
        w = open_window(proxy.url, auto=True, probe_ms=150)
        sync = w.sync_screen
        sign_in(qtbot, w, "demo", demo_server.password)
        link["up"] = False
        qtbot.waitUntil(lambda: w.connectivity.online is False, timeout=10_000)
        assert "离线" in w.connectivity.text()
        ws = w.workspace
        task = _task(ws, "晋阳加油站", "车用汽油")
        v = complete_visit(ws, make_jpeg, signature_png, task_id=task.id, samplers=team_of(ws, task.id))
        with qtbot.waitSignal(sync.sync_finished, timeout=20_000) as sig:
            link["up"] = True
        assert [(i.visit_id, i.status) for i in sig.args[0].items] == [(v.id, "sent")]
        assert "在线" in w.connectivity.text()
        assert demo_server.progress()["车用汽油"]["synced"] == 1
    finally:
        proxy.close()


def test_revoked_device_is_asked_to_sign_in_again_and_keeps_its_records(qtbot, demo_server, open_window,
                                                                         make_jpeg):
    import httpx
    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    sync = w.sync_screen
    with httpx.Client(base_url=demo_server.url, timeout=10) as c:
        token = c.post("/v1/auth/login", json={"username": "agency", "password": demo_server.password}).json()["token"]
        r = c.post(f"/v1/devices/{sync.who.device_id}/revoke", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
    ws = w.workspace
    task = _task(ws, "晋阳加油站", "车用汽油")
    v = complete_visit(ws, make_jpeg, signature_png, task_id=task.id, samplers=team_of(ws, task.id))
    report = sync_now(qtbot, w)
    assert report.auth_error is not None
    assert sync.pages.currentWidget() is sync.form and sync.form.username.text() == "demo"
    assert sync.form.error.text().startswith("此设备已被停用") and "请重新登录" in sync.form.error.text()
    report = sign_in(qtbot, w, "demo", demo_server.password)          # a new device token
    assert [(i.visit_id, i.status) for i in report.items] == [(v.id, "sent")]
