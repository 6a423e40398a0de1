"""Migration 0003 (withdrawn tasks get their own columns) on a database
written by the previous release, where a withdrawn task was a cancellation
whose reason began with "已改派给其他抽样组：". Up: the task is flagged
withdrawn with the server's reason and no longer reads as cancelled; a real
cancellation and an open task are untouched. Down: the old form returns."""
from __future__ import annotations

import json
import sqlite3

from alembic import command

from app.domain.entities import TaskStatus
from app.services.reference import list_tasks
from app.services.workspace import Workspace
from app.store.db import alembic_config, current_revision, make_engine, migrate
from app.store.paths import database_path
from tests.conftest import make_task

AT = "2022-11-14T03:00:00+00:00"


def _task_json(task_id: str, status: str, cancel_reason: str, extra: dict) -> str:
    from app.domain.plain import to_plain
    plain = to_plain(make_task(task_id))
    plain.update(status=status, cancel_reason=cancel_reason, extra=extra)
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":"))


def _old_database(path):
    """Tasks as release 0002 stored them: one withdrawn while under way, one
    withdrawn after it was done here, one cancelled, one open."""
    migrate(make_engine(path), "0002")
    moved = {"withdrawn": {"kind": "reassigned", "reason": "王建国病假", "at": AT}}
    rows = [("t-moved", "cancelled", "已改派给其他抽样组：王建国病假", moved),
            ("t-done", "done", "", {"withdrawn": {"kind": "reassigned", "reason": "计划调整", "at": AT}}),
            ("t-cancel", "cancelled", "该站已停业", {}),
            ("t-open", "assigned", "", {})]
    con = sqlite3.connect(path)
    for task_id, status, reason, extra in rows:
        con.execute("INSERT INTO tasks (id, plan_id, party_id, party_name, products, status, due_date, data)"
                    " VALUES (?, '2022-4', 'p-gas', '某加油站', '车用汽油', ?, '2022-11-15', ?)",
                    (task_id, status, _task_json(task_id, status, reason, extra)))
    con.commit()
    con.close()


def _cancel_reasons(path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return {i: (s, json.loads(d)["cancel_reason"]) for i, s, d in con.execute("SELECT id, status, data FROM tasks")}
    finally:
        con.close()


def test_withdrawn_tasks_move_to_the_flag_and_back(tmp_path, clock):
    path = database_path(tmp_path / "data")
    path.parent.mkdir(parents=True, exist_ok=True)
    _old_database(path)
    ws = Workspace(tmp_path / "data", clock=clock)              # opening migrates to head
    try:
        tasks = {t.id: t for t in list_tasks(ws)}
    finally:
        ws.close()
    moved, done, cancelled, open_ = tasks["t-moved"], tasks["t-done"], tasks["t-cancel"], tasks["t-open"]
    assert moved.withdrawn and moved.withdrawn_reason == "王建国病假" and moved.cancel_reason == ""
    assert moved.status == TaskStatus.CANCELLED and moved.closed
    assert done.withdrawn and done.withdrawn_reason == "计划调整" and done.status == TaskStatus.DONE
    assert not cancelled.withdrawn and cancelled.cancel_reason == "该站已停业" and cancelled.closed
    assert not open_.withdrawn and not open_.closed

    engine = make_engine(path)
    command.downgrade(alembic_config(engine), "0002")
    assert current_revision(engine) == "0002"
    engine.dispose()
    assert _cancel_reasons(path) == {"t-moved": ("cancelled", "已改派给其他抽样组：王建国病假"),
                                     "t-done": ("done", ""), "t-cancel": ("cancelled", "该站已停业"),
                                     "t-open": ("assigned", "")}
    con = sqlite3.connect(path)
    assert "withdrawn_at" not in {r[1] for r in con.execute("PRAGMA table_info(tasks)")}
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
