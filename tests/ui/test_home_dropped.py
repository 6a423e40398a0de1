"""A task a full refresh no longer lists (the server lost it, e.g. restored
from an older backup): on the home screen it is gone when nothing was done
on it here; with a visit under way it stays, greyed with the reason, and
that visit goes on while no new one starts."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.domain.canonical import to_plain
from app.domain.messages import RuleViolation
from app.domain.visit import VisitStatus
from app.services import steps, visits
from app.services.reference import list_tasks
from sync.client.pull import apply_pull
from sync.protocol.schemas import PullResponse, TaskOut
from tests.conftest import make_task

NOW = datetime(2022, 11, 14, 3, 0, tzinfo=timezone.utc)
DROPPED = "服务器已撤下此任务：已开始的抽样可以完成并同步"


def full_refresh(ws, *task_ids: str):
    """A full pull that lists only these tasks."""
    tasks = [TaskOut.model_validate({**to_plain(make_task(t)), "team_id": "team-1", "updated_at": NOW})
             for t in task_ids]
    with ws.db.session() as s:
        return apply_pull(s, PullResponse(cursor="1.9.abcd", full=True, server_time=NOW, tasks=tasks))


def load(qtbot, home, ws):
    with qtbot.waitSignal(home.loaded, timeout=10_000):
        home.set_workspace(ws, "2022-4", prompt_recovery=False)


def test_dropped_task_vanishes_unless_a_visit_is_under_way(qtbot, home, seeded):
    v = visits.start_visit(seeded, "t-gas-2")
    report = full_refresh(seeded, "t-gas-1")
    assert sorted((d.task_id, d.kept) for d in report.dropped) == [("t-gas-2", True), ("t-gas-3", False)]
    load(qtbot, home, seeded)
    m = home.tasks.model
    rows = {t.id: i for i, t in enumerate(m.rows)}
    assert set(rows) == {"t-gas-1", "t-gas-2"}                   # t-gas-3: nothing of ours on it, gone
    row = rows["t-gas-2"]
    assert m.data(m.index(row, 4)) == DROPPED
    assert m.data(m.index(row, 0), Qt.ItemDataRole.ForegroundRole).color() == QColor("#9e9e9e")
    assert m.data(m.index(row, 0), Qt.ItemDataRole.ToolTipRole) == DROPPED
    assert m.data(m.index(rows["t-gas-1"], 4)) == "待抽样"
    with qtbot.assertNotEmitted(home.open_task, wait=50):
        home._activate_task(m.row_at(row))
    assert home.status_label.text() == DROPPED
    with pytest.raises(RuleViolation) as e:
        visits.start_visit(seeded, "t-gas-2")
    assert e.value.texts("zh_CN") == ["服务器已撤下该任务，不能再开始抽样"]
    assert e.value.texts("en") == ["The server no longer lists this task; a new visit cannot be started on it"]
    # The visit under way is the sampler's: listed, and it goes on.
    assert [r.id for r in home.running.model.rows] == [v.id]
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    assert visits.load(seeded, v.id).status == VisitStatus.IN_PROGRESS
    # The next full refresh says nothing new; one listing it again makes it ours again.
    assert full_refresh(seeded, "t-gas-1").dropped == []
    full_refresh(seeded, "t-gas-1", "t-gas-2")
    assert {t.id: (t.withdrawn, t.status.value) for t in list_tasks(seeded)} == {
        "t-gas-1": (False, "assigned"), "t-gas-2": (False, "in_progress")}


def test_dropped_task_in_english(qtbot, home, seeded, english):
    visits.start_visit(seeded, "t-gas-1")
    full_refresh(seeded)
    load(qtbot, home, seeded)
    m = home.tasks.model
    assert [m.data(m.index(0, 4))] == ["The server no longer lists this task: the visit already started can be "
                                       "finished and synced"]
