"""`field-sampler-server reassign-task` and the 0002_task_moves migration, on
SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select

from sync.server.config import settings_for
from sync.server.db import Database, alembic_config
from sync.server.parties.models import Party
from sync.server.tasks import moves
from sync.server.tasks.models import Task
from tests.sync.test_server_cli import db_args, run  # noqa: F401  (the fixture over both backends)
from tests.sync.world import PLAN_FILE, new_credit_code


def _db(db_args) -> Database:
    url = db_args[3] if len(db_args) > 2 else None
    return Database(settings_for(db_args[1], url).db_url)


def test_reassign_task_from_the_command_line(db_args, tmp_path, capsys):  # noqa: F811
    assert run(capsys, "import-plan", str(PLAN_FILE), *db_args)[0] == 0
    assert run(capsys, "add-agency", "ag1", "--name", "某检验院", "--team", "tm1", *db_args)[0] == 0
    assert run(capsys, "add-team", "tm2", "--agency", "ag1", "--name", "第二组", *db_args)[0] == 0
    path = tmp_path / "parties.csv"
    path.write_text(f"名称,统一社会信用代码,地址,抽样领域\n太原甲加油站,{new_credit_code()},太原市甲路1号,加油站\n",
                    encoding="utf-8-sig")
    assert run(capsys, "import-parties", str(path), *db_args)[0] == 0
    db = _db(db_args)
    try:
        with db.session() as s:
            party_id = s.scalar(select(Party.id))
        code, out, _ = run(capsys, "assign", "--plan-item", "2022-4-11", "--party", party_id, "--team", "tm1",
                           *db_args)
        task_id = out.split()[1].rstrip(":")
        code, out, _ = run(capsys, "reassign-task", task_id, "--team", "tm2", "--reason", "一组人员生病", *db_args)
        assert code == 0 and out.strip() == f"task {task_id} reassigned to team tm2: 一组人员生病"
        code, _, err = run(capsys, "reassign-task", task_id, "--team", "tm2", "--reason", "再改", *db_args)
        assert code == 1 and "该任务已属于抽样组第二组" in err and "already belongs" in err
        code, _, err = run(capsys, "reassign-task", task_id, "--team", "tm9", "--reason", "x", *db_args)
        assert code == 1 and "未找到：tm9" in err
        code, _, err = run(capsys, "reassign-task", "t-nope", "--team", "tm1", "--reason", "x", *db_args)
        assert code == 1 and "t-nope" in err
        assert run(capsys, "cancel-task", task_id, "--reason", "企业停业", *db_args)[0] == 0
        code, _, err = run(capsys, "reassign-task", task_id, "--team", "tm1", "--reason", "x", *db_args)
        assert code == 1 and "不能改派" in err
        with db.session() as s:
            assert s.get(Task, task_id).team_id == "tm2"
            told = moves.withdrawals(session=s, team_id="tm1", task_ids=None, still_held=set())
            assert [(w.task_id, w.reason) for w in told] == [(task_id, "一组人员生病")]
    finally:
        db.close()


def test_task_moves_migration_goes_down_and_up(db_args):  # noqa: F811
    db = _db(db_args)               # migrated to head on open
    try:
        url = db.engine.url.render_as_string(hide_password=False)
        assert "task_moves" in inspect(db.engine).get_table_names()
        command.downgrade(alembic_config(url, db.engine), "0001")
        assert "task_moves" not in inspect(db.engine).get_table_names()
        command.upgrade(alembic_config(url, db.engine), "head")
        columns = {c["name"] for c in inspect(db.engine).get_columns("task_moves")}
        assert columns == {"id", "task_id", "from_team_id", "from_agency_id", "to_team_id", "to_agency_id",
                           "reason", "actor", "at"}
    finally:
        db.close()
