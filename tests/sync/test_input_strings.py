"""No string can reach a database that one of them would refuse or cut:
a NUL byte, an unpaired surrogate or an over-long value in any route's
body, path or query is a 422 naming the field, on SQLite as on PostgreSQL
(which raised 500 for a NUL), and the command line refuses them too."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync.server.auth.models import Agency, User
from sync.server.cli import main
from sync.server.guard import InputError
from sync.server.parties.models import Party
from sync.server.plan.models import Plan
from sync.server.tasks.models import Task
from sync.server.tasks.service import create_task

NUL = "坏\x00值"


def _bodies(live):
    task = live.world.tasks["a1_down"]
    return [  # (user, method, path, json body, field)
        (None, "POST", "/v1/auth/login", {"username": NUL, "password": "x"}, "username"),
        (None, "POST", "/v1/auth/login", {"username": "s_a1", "password": NUL}, "password"),
        (None, "POST", "/v1/auth/enroll", {"username": "s_a1", "password": "x", "device_name": NUL,
                                          "public_key": "A" * 43 + "="}, "device_name"),
        (None, "POST", "/v1/auth/enroll", {"username": "s_a1", "password": "x", "device_name": "本" * 101,
                                          "public_key": "A" * 43 + "="}, "device_name"),
        (None, "POST", "/v1/auth/login", {"username": "u" * 65, "password": "x"}, "username"),
        ("adm_a", "POST", f"/v1/tasks/{task}/cancel", {"reason": NUL}, "reason"),
        ("adm_a", "POST", f"/v1/tasks/{task}/cancel", {"reason": "因" * 501}, "reason"),
        ("adm_a", "POST", f"/v1/tasks/{task}/reassign", {"team_id": "team-a2", "reason": NUL}, "reason"),
        ("adm_a", "POST", f"/v1/tasks/{task}/reassign", {"team_id": "team\x00a2", "reason": "x"}, "team_id"),
        ("adm_a", "POST", "/v1/tasks", {"plan_item_id": "2022-4-18", "party_id": live.world.parties["shop1"],
                                        "team_id": "team-a1", "notes": NUL}, "notes"),
        ("adm_a", "POST", "/v1/tasks", {"plan_item_id": "2022-4-18", "party_id": live.world.parties["shop1"],
                                        "team_id": "team-a1", "due_date": "2" * 300}, "due_date"),
        ("adm_a", "POST", "/v1/tasks", {"plan_item_id": "2022-4-18", "party_id": live.world.parties["shop1"],
                                        "team_id": "team-a1", "due_date": "2022-13-45"}, "due_date"),
        ("adm_a", "POST", "/v1/tasks/draw", {"plan_item_id": "2022-4\x0011", "count": 1}, "plan_item_id"),
        ("s_a1", "POST", "/v1/blobs/missing", {"hashes": [NUL]}, "hashes[0]"),
    ]


def _queries():
    return [  # (user, path, params, field)
        ("s_a1", "/v1/records/c-%00x", None, "client_id"),
        ("s_a1", "/v1/records/" + "c" * 65, None, "client_id"),
        ("adm_a", "/v1/devices/d%00x/public-key", None, "device_id"),
        ("adm_a", "/v1/progress", {"plan_id": "2022\x00-4"}, "plan_id"),
        ("adm_a", "/v1/progress", {"plan_id": "p" * 65}, "plan_id"),
        ("prov", "/v1/audit", {"action": "task\x00"}, "action"),
        ("s_a1", "/v1/blobs/" + "a" * 64 + "/upload", {"length": "9" * 300}, "length"),
    ]


def test_bad_strings_in_bodies_paths_and_queries_are_422_naming_the_field(live):
    for user, method, path, body, field in _bodies(live):
        with live.client(user) as c:
            r = c.request(method, path, json=body)
        assert r.status_code == 422, (path, field, r.status_code, r.text[:300])
        assert r.json()["ok"] is False and field in {p["field"] for p in r.json()["problems"]}, (path, r.text)
    for user, path, params, field in _queries():
        with live.client(user) as c:
            r = c.get(path, params=params)
        assert r.status_code == 422, (path, field, r.status_code, r.text[:300])
        assert field in {p["field"] for p in r.json()["problems"]}, (path, r.text)
    with live.client("adm_a") as c:        # a NUL in a path id of a POST
        r = c.post("/v1/tasks/t-%00x/cancel", json={"reason": "x"})
        assert r.status_code == 422 and r.json()["error"]["field"] == "task_id"
        r = c.post("/v1/devices/d%00x/revoke")
        assert r.status_code == 422 and r.json()["error"]["field"] == "device_id"
    with live.db.session() as s:       # nothing written, the task untouched
        assert s.get(Task, live.world.tasks["a1_down"]).status == "assigned"
        assert s.scalar(select(func.count()).select_from(Task)) == len(live.world.tasks)


def test_a_malformed_pull_cursor_is_a_full_refresh_not_a_crash(live):
    with live.client("s_a1") as c:
        for cursor in ("1.²³.abcd", "1." + "9" * 60 + ".ab", "1.5.zz", "1.-1.ab", "１.1.ab", "1.1.ab\x00",
                       "", ".", "1..", "2.1.ab"):
            r = c.get("/v1/pull", params={"cursor": cursor})
            if cursor == "":
                assert r.status_code == 200 and r.json()["full"]
            else:
                assert r.status_code == 412 and r.json()["error"]["code"] == "sync.cursor_stale", (cursor, r.text)
        r = c.get("/v1/pull", params={"cursor": "1." + "9" * 300 + ".ab"})      # longer than any cursor
        assert r.status_code == 422 and r.json()["error"]["field"] == "cursor"


def test_the_database_gate_catches_what_a_service_would_store(live):
    """Under the request schemas: a service writing a value its column cannot
    hold is stopped before the database (SQLite would keep a 300-character
    due date in a 10-character column; PostgreSQL refuses a NUL with a 500)."""
    with pytest.raises(InputError) as e, live.db.session() as s:
        create_task(session=s, plan_item_id="2022-4-18", party_id=live.world.parties["shop1"],
                    team_id="team-a1", due_date="2" * 300)
    assert e.value.problem.field == "tasks.due_date" and e.value.problem.code == "input.too_long"
    with pytest.raises(InputError) as e, live.db.session() as s:
        s.scalar(select(User).where(User.username == "s_a1\x00"))
    assert e.value.problem.code == "input.text"
    with live.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Task).where(func.length(Task.due_date) > 10)) == 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cli_db(request, tmp_path):
    args = ["--data", str(tmp_path / "data")]
    if request.param == "postgresql":
        args += ["--database-url", request.getfixturevalue("pg_cluster").create_database(f"fs_in_{id(tmp_path)}")]
    assert main(["init", *args]) == 0
    return args


def test_the_command_line_refuses_what_the_columns_cannot_hold(cli_db, tmp_path, capsys):
    assert main(["add-agency", "ag\x00", "--name", "某院", *cli_db]) == 1
    assert main(["add-agency", "ag1", "--name", "院" * 201, *cli_db]) == 1
    err = capsys.readouterr().err
    assert "NUL" in err and "agencies.name" in err and "200" in err
    assert main(["add-agency", "ag1", "--name", "某检验院", *cli_db]) == 0
    assert main(["add-user", "u" * 65, "--role", "provincial_admin", "--password", "pw", *cli_db]) == 1
    assert "users.username" in capsys.readouterr().err
    plan = tmp_path / "plan.json"
    for bad in ('{"id": "P", "title": "计划"}', '{"id": "P", "title": "计划", "items": [{"id": "P-1", "seq": 1, '
                '"category": "类", "product": "品", "batches": 1.5, "scopes": ["seller"]}]}',
                '{"id": "P\\u0000", "title": "计划", "items": []}', '[1, 2]', '{"id": 1'):
        plan.write_text(bad, encoding="utf-8")
        assert main(["import-plan", str(plan), *cli_db]) == 1, bad
        assert "error:" in capsys.readouterr().err
    with pytest.raises(SystemExit):        # argparse: not a date
        main(["assign", "--plan-item", "x", "--party", "p", "--team", "t", "--due", "2" * 300, *cli_db])
    csv = tmp_path / "parties.csv"
    from tests.sync.world import new_credit_code
    good, long_name = new_credit_code(), new_credit_code()
    csv.write_text("名称,统一社会信用代码,地址,抽样领域\n"
                   f"好店,{good},太原市一路1号,流通\n"
                   f"{'长' * 301},{long_name},太原市二路2号,流通\n"
                   f"坏店\x00,{new_credit_code()},太原市三路3号,流通\n", encoding="utf-8")
    assert main(["import-parties", str(csv), *cli_db]) == 1
    out = capsys.readouterr()
    assert "1 added" in out.out and "line 3:" in out.err and "line 4:" in out.err and "300" in out.err
    from sync.server.config import settings_for
    from sync.server.db import Database
    url = cli_db[cli_db.index("--database-url") + 1] if "--database-url" in cli_db else ""
    db = Database(settings_for(cli_db[1], url).db_url)
    with db.session() as s:
        assert [a.id for a in s.scalars(select(Agency))] == ["ag1"]
        assert [p.name for p in s.scalars(select(Party))] == ["好店"]
        assert s.scalar(select(func.count()).select_from(User)) == 0
        assert s.scalar(select(func.count()).select_from(Plan)) == 0
    db.close()
