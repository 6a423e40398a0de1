"""A task the server gave to another team (改派), on the home screen of the
former team's laptop: shown greyed with the reason, never started again;
the visit already under way on it stays and goes on."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.domain.messages import RuleViolation
from app.domain.visit import VisitStatus
from app.services import steps, visits
from sync.client.pull import apply_pull
from sync.protocol.schemas import PullResponse, TaskWithdrawal

NOW = datetime(2022, 11, 14, 3, 0, tzinfo=timezone.utc)


def withdraw(ws, task_id: str, reason: str) -> None:
    """What a pull from the server brings: the desktop store's sink applies it."""
    payload = PullResponse(cursor="1.9.abcd", full=False, server_time=NOW,
                           withdrawn=[TaskWithdrawal(task_id=task_id, reason=reason, at=NOW)])
    with ws.db.session() as s:
        apply_pull(s, payload)


def load(qtbot, home, ws):
    with qtbot.waitSignal(home.loaded, timeout=10_000):
        home.set_workspace(ws, "2022-4", prompt_recovery=False)


def row_of(section, task_id: str) -> int:
    return [t.id for t in section.model.rows].index(task_id)


def test_withdrawn_task_shows_the_reason_and_the_visit_under_way_goes_on(qtbot, home, seeded):
    v = visits.start_visit(seeded, "t-gas-2")
    withdraw(seeded, "t-gas-2", "王建国病假")
    withdraw(seeded, "t-gas-3", "改由二组抽样")
    load(qtbot, home, seeded)
    m = home.tasks.model
    row = row_of(home.tasks, "t-gas-3")
    assert m.data(m.index(row, 4)) == "已改派给其他抽样组：改由二组抽样"
    assert m.data(m.index(row, 0), Qt.ItemDataRole.ForegroundRole).color() == QColor("#9e9e9e")
    assert m.data(m.index(row, 0), Qt.ItemDataRole.ToolTipRole) == "已改派给其他抽样组：改由二组抽样"
    with qtbot.assertNotEmitted(home.open_task, wait=50):
        home._activate_task(m.row_at(row))
    assert home.status_label.text() == "已改派给其他抽样组：改由二组抽样"
    with pytest.raises(RuleViolation):
        visits.start_visit(seeded, "t-gas-3")
    # The visit started before the news is kept, listed and continues.
    assert m.data(m.index(row_of(home.tasks, "t-gas-2"), 4)) == "已改派给其他抽样组：王建国病假"
    assert [r.id for r in home.running.model.rows] == [v.id]
    with qtbot.waitSignal(home.continue_visit) as sig:
        home._activate_visit(home.running.model.row_at(0))
    assert sig.args == [v.id]
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    assert visits.load(seeded, v.id).status == VisitStatus.IN_PROGRESS
    # The untouched task is still to do.
    assert m.data(m.index(row_of(home.tasks, "t-gas-1"), 4)) == "待抽样"


def test_withdrawn_task_in_english(qtbot, home, seeded, english):
    withdraw(seeded, "t-gas-1", "王建国病假")
    load(qtbot, home, seeded)
    m = home.tasks.model
    assert m.data(m.index(row_of(home.tasks, "t-gas-1"), 4)) == "Reassigned to another team: 王建国病假"
