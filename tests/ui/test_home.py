"""The home screen through real widgets offscreen: seeded tasks, the plan's
progress, the recovery prompt, red deadlines, search, and the ids its
signals carry for the wizard."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.entities import TaskStatus
from app.domain.visit import VisitStatus
from app.services import steps, visits
from app.services.reference import import_master_data
from app.store.models import VisitRow
from app.ui.theme import STATUS_COLORS
from tests.conftest import GAS_STATION, make_task, signature_png
from tests.scenarios import complete_visit
from tests.ui.clicking import click

UTC = timezone.utc
RED = QColor(STATUS_COLORS["overdue"])


def load(qtbot, home, ws, **kw):
    with qtbot.waitSignal(home.loaded, timeout=10_000):
        home.set_workspace(ws, "2022-4", **kw)


def texts(section, col=0):
    m = section.model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def click_row(qtbot, section, row, double=False):
    view = section.view
    pos = view.visualRect(section.model.index(row, 0)).center()
    click(qtbot, view.viewport(), pos=pos)
    if double:  # what a real double click delivers after the first click
        for kind in (QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseButtonRelease):
            ev = QMouseEvent(kind, QPointF(pos), view.viewport().mapToGlobal(QPointF(pos)),
                             Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonDblClick
                             else Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(view.viewport(), ev)


def red_pixels(widget) -> int:
    img = widget.grab().toImage()
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = img.pixelColor(x, y)
            n += abs(c.red() - RED.red()) < 40 and c.green() < 90 and c.blue() < 90
    return n


def test_lists_show_the_seeded_tasks_and_the_plan_progress(qtbot, home, seeded):
    load(qtbot, home, seeded)
    assert texts(home.tasks) == [GAS_STATION.name] * 3
    assert texts(home.tasks, 1) == ["车用汽油", "车用柴油", "车用尿素水溶液"]
    assert texts(home.tasks, 2) == ["张伟、李娜"] * 3
    assert texts(home.tasks, 4) == ["待抽样"] * 3
    assert texts(home.progress) == ["车用柴油", "车用汽油", "车用尿素水溶液", "氯碱", "羽绒服装"]
    assert texts(home.progress, 1) == ["200", "100", "50", "5", "30"]
    assert home.running.empty.isVisible() and home.awaiting.empty.isVisible()
    assert "共3个任务" in home.status_label.text()
    assert home.recovery_box is None  # nothing unfinished: no prompt


def test_empty_lists_give_their_room_to_the_days_tasks(qtbot, home, seeded, make_jpeg):
    """At 1280x720 with nothing under way or waiting, the two empty lists are
    one line each, not blank tables, and the task list has the room; when a
    visit is under way its list opens again."""
    load(qtbot, home, seeded)
    qtbot.waitUntil(lambda: home.tasks.view.height() > 2 * (home.running.height() + home.awaiting.height()))
    assert not home.running.view.isVisible() and not home.awaiting.view.isVisible()
    visits.start_visit(seeded, "t-gas-1")
    load(qtbot, home, seeded, prompt_recovery=False)
    qtbot.waitUntil(lambda: home.running.view.isVisible() and home.running.view.height() > 60)
    assert not home.running.empty.isVisible()


def test_cancelled_task_is_shown_greyed_with_its_reason_and_cannot_start(qtbot, home, seeded):
    cancelled = replace(make_task("t-cancel", ("2022-4-10",)), status=TaskStatus.CANCELLED,
                        cancel_reason="企业已停业")
    import_master_data(seeded, tasks=[cancelled])
    load(qtbot, home, seeded)
    row = [t.id for t in home.tasks.model.rows].index("t-cancel")
    m = home.tasks.model
    assert m.data(m.index(row, 4)) == "已取消：企业已停业"
    assert m.data(m.index(row, 0), Qt.ItemDataRole.ForegroundRole).color() == QColor("#9e9e9e")
    with qtbot.assertNotEmitted(home.open_task, wait=50):
        click_row(qtbot, home.tasks, row, double=True)
    click_row(qtbot, home.tasks, row)
    assert not home.tasks.button.isEnabled()
    click_row(qtbot, home.tasks, 0)
    assert home.tasks.button.isEnabled()


def test_unfinished_visit_prompts_to_continue_at_its_step(qtbot, home, seeded):
    v = visits.start_visit(seeded, "t-gas-2")
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    visits.advance(seeded, v.id)
    load(qtbot, home, seeded)
    box = home.recovery_box
    assert box is not None and box.isVisible()
    assert box.text() == f"上次有未完成的抽样：{GAS_STATION.name}，停在第3步「现场取证拍照」。继续吗？"
    with qtbot.waitSignal(home.continue_visit) as sig:
        click(qtbot, box.continue_button)
    assert sig.args == [v.id]
    assert texts(home.running, 2) == ["第3步 现场取证拍照"]
    # the prompt is for start-up only; a refresh does not ask again
    with qtbot.waitSignal(home.loaded):
        home.refresh()
    assert home.recovery_box is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_later_keeps_the_visit_in_the_list_without_opening_it(qtbot, home, seeded, english):
    v = visits.start_visit(seeded, "t-gas-1")
    load(qtbot, home, seeded)
    assert "stopped at step 1" in home.recovery_box.text()
    with qtbot.assertNotEmitted(home.continue_visit, wait=50):
        click(qtbot, home.recovery_box.later_button)
    assert [r.id for r in home.running.model.rows] == [v.id]


def test_finished_visit_past_its_deadline_is_red(qtbot, home, seeded, make_jpeg, clock):
    done = complete_visit(seeded, make_jpeg, signature_png)
    load(qtbot, home, seeded)
    m = home.awaiting.model
    assert [a.visit.id for a in m.rows] == [done.id] and home.awaiting.title.text() == "待同步（1）"
    assert m.data(m.index(0, 3)) == "11-16 23:59"
    assert red_pixels(home.awaiting.view) == 0
    clock.now = datetime(2022, 11, 16, 17, 0, tzinfo=UTC)       # 01:00 on the 17th in China
    with qtbot.waitSignal(home.loaded):
        home.refresh()
    assert m.data(m.index(0, 3)) == "11-16 23:59（已超期）"
    assert m.data(m.index(0, 0), Qt.ItemDataRole.ForegroundRole).color() == RED
    qtbot.waitUntil(lambda: red_pixels(home.awaiting.view) > 50, timeout=5000)
    assert "1条已超过录入期限" in home.status_label.text()
    with qtbot.waitSignal(home.open_visit) as sig:
        click_row(qtbot, home.awaiting, 0)
        click(qtbot, home.awaiting.button)
    assert sig.args == [done.id]


def test_task_signals_start_or_continue(qtbot, home, seeded):
    running = visits.start_visit(seeded, "t-gas-3")
    load(qtbot, home, seeded, prompt_recovery=False)
    ids = [t.id for t in home.tasks.model.rows]
    with qtbot.waitSignal(home.open_task) as sig:
        click_row(qtbot, home.tasks, ids.index("t-gas-2"), double=True)
    assert sig.args == ["t-gas-2"]
    # a task already being sampled continues that visit instead of a second one
    with qtbot.waitSignal(home.continue_visit) as sig:
        click_row(qtbot, home.tasks, ids.index("t-gas-3"))
        click(qtbot, home.tasks.button)
    assert sig.args == [running.id]
    with qtbot.waitSignal(home.continue_visit) as sig:
        click_row(qtbot, home.running, 0, double=True)
    assert sig.args == [running.id]


def _clone(ws, template_id: str, names: list[str], status: VisitStatus) -> list[str]:
    """Many visits quickly: copies of a real visit row under other parties."""
    ids = []
    with ws.db.session() as s:
        t = s.get(VisitRow, template_id)
        for i, name in enumerate(names):
            vid = str(uuid.uuid4())
            s.add(VisitRow(id=vid, record_no=f"2022-4-20221114-C{i:04d}-{vid[:4]}", task_id=t.task_id, plan_id=t.plan_id,
                           plan_item_id=t.plan_item_id, party_key=name, party_name=name, product=t.product,
                           status=status.value, step=t.step, started_at=t.started_at, updated_at=t.updated_at,
                           doc=t.doc))
            ids.append(vid)
    return ids


def test_search_by_party_name_opens_the_found_visit(qtbot, home, seeded, make_jpeg, type_text):
    done = complete_visit(seeded, make_jpeg, signature_png)
    _clone(seeded, done.id, [f"大同市某超市{i}" for i in range(5)], VisitStatus.FINISHED)
    load(qtbot, home, seeded)
    with qtbot.waitSignal(home.searched, timeout=5000) as sig:
        type_text(home.search_box, "迎泽")
    assert sig.args == ["迎泽"] and home.pages.currentWidget() is home.results
    assert texts(home.results) == [GAS_STATION.name]
    with qtbot.waitSignal(home.open_visit) as sig:
        click_row(qtbot, home.results, 0, double=True)
    assert sig.args == [done.id]
    # by record number; Enter searches at once
    home.search_box.setText(done.record_no)
    with qtbot.waitSignal(home.searched):
        qtbot.keyClick(home.search_box, Qt.Key.Key_Return)
    assert [v.id for v in home.results.model.rows] == [done.id]
    home.search_box.setText("不存在")
    with qtbot.waitSignal(home.searched):
        home.run_search()
    assert home.results.model.rowCount() == 0 and home.results.empty.isVisible()
    home.search_box.clear()
    assert home.pages.currentIndex() == 0


def test_long_lists_load_page_by_page_as_the_user_scrolls(qtbot, home, seeded, make_jpeg):
    done = complete_visit(seeded, make_jpeg, signature_png)
    _clone(seeded, done.id, [f"晋城市某加油站{i:03d}" for i in range(249)], VisitStatus.REFUSED)
    load(qtbot, home, seeded, prompt_recovery=False)
    m = home.awaiting.model
    assert home.awaiting.title.text() == "待同步（250）"
    assert m.rowCount() == 100 and m.canFetchMore()
    with qtbot.waitSignal(m.page_loaded):
        home.awaiting.view.scrollToBottom()
    qtbot.waitUntil(lambda: m.rowCount() == 200)
    with qtbot.waitSignal(m.page_loaded):
        home.awaiting.view.scrollToBottom()
    qtbot.waitUntil(lambda: m.rowCount() == 250)
    assert not m.canFetchMore()
    assert len({a.visit.id for a in m.rows}) == 250


def test_awaiting_list_follows_the_outbox(qtbot, home, seeded, make_jpeg):
    """A record the server refused stays in the list, marked red; once the
    server holds it completely it leaves the list."""
    from app.store.sync_models import OutboxItem
    done = complete_visit(seeded, make_jpeg, signature_png)

    def set_status(status):
        with seeded.db.session() as s:
            s.query(OutboxItem).filter_by(visit_id=done.id).one().status = status
    set_status("quarantined")
    load(qtbot, home, seeded)
    m = home.awaiting.model
    assert m.data(m.index(0, 2)) == "已完成（被退回）"
    assert m.data(m.index(0, 0), Qt.ItemDataRole.ForegroundRole).color() == RED
    set_status("sent")
    with qtbot.waitSignal(home.loaded):
        home.refresh()
    assert m.rowCount() == 0 and home.awaiting.title.text() == "待同步（0）"
