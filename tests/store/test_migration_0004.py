"""Migration 0004 (server-owned data has one home) on a database written by
the previous release, which kept a second copy of every pull in
`sync_pulled`: the pulled sampling rules move to their table and are the
ones in use; a task that copy alone knew a full refresh had dropped leaves
the store, or stays flagged when a visit was started on it; the copy goes."""
from __future__ import annotations

import json
import sqlite3

from alembic import command
from sqlalchemy import inspect

from app.domain.canonical import to_plain
from app.services.reference import list_tasks
from app.services.workspace import Workspace
from app.store.db import alembic_config, make_engine, migrate
from app.store.paths import database_path
from tests.conftest import make_task

RULE = {"product": "车用汽油", "unit": "L", "test_quantity": "4", "backup_quantity": "4"}


def _old_database(path) -> None:
    migrate(make_engine(path), "0003")
    con = sqlite3.connect(path)
    for task_id in ("t-open", "t-gone", "t-visited"):
        con.execute("INSERT INTO tasks (id, plan_id, party_id, party_name, products, status, due_date, data,"
                    " withdrawn_reason) VALUES (?, '2022-4', 'p-gas', '某加油站', '车用汽油', ?, '2022-11-15', ?, '')",
                    (task_id, "in_progress" if task_id == "t-visited" else "assigned",
                     json.dumps(to_plain(make_task(task_id)), ensure_ascii=False)))
        con.execute("INSERT INTO sync_pulled (kind, entity_id, data, withdrawn) VALUES ('task', ?, '{}', ?)",
                    (task_id, task_id != "t-open"))
    con.execute("INSERT INTO visits (id, record_no, task_id, plan_id, plan_item_id, party_key, party_name, product,"
                " status, step, record_hash, doc) VALUES ('v1','R-1','t-visited','2022-4','2022-4-11','k','某加油站',"
                " '车用汽油', 'in_progress','party','', '{}')")
    con.execute("INSERT INTO sync_pulled (kind, entity_id, data, withdrawn) VALUES ('rule', '车用汽油', ?, 0)",
                (json.dumps(RULE, ensure_ascii=False),))
    con.commit()
    con.close()


def test_pulled_copy_moves_home_and_goes(tmp_path, clock):
    path = database_path(tmp_path / "data")
    path.parent.mkdir(parents=True, exist_ok=True)
    _old_database(path)
    ws = Workspace(tmp_path / "data", clock=clock)              # opening migrates to head
    try:
        assert "sync_pulled" not in inspect(ws.db.engine).get_table_names()
        assert ws.rule_for("车用汽油").test_quantity == "4"
        tasks = {t.id: t for t in list_tasks(ws)}
        assert set(tasks) == {"t-open", "t-visited"}
        assert not tasks["t-open"].withdrawn
        assert tasks["t-visited"].withdrawn and tasks["t-visited"].withdrawn_kind == "dropped"
    finally:
        ws.close()
    engine = make_engine(path)
    command.downgrade(alembic_config(engine), "0003")
    con = sqlite3.connect(path)
    assert con.execute("SELECT kind, entity_id FROM sync_pulled").fetchall() == [("rule", "车用汽油")]
    con.close()
    migrate(engine)
