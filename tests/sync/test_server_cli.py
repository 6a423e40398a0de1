"""`field-sampler-server` subcommands, on SQLite and PostgreSQL."""
from __future__ import annotations

import itertools
import json

import pytest

from sync.server.cli import main
from tests.sync.world import PLAN_FILE, new_credit_code

_n = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_args(request, tmp_path):
    if request.param == "sqlite":
        return ["--data", str(tmp_path / "data")]
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database(f"fs_cli_{next(_n)}")
    return ["--data", str(tmp_path / "data"), "--database-url", url]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_set_up_assign_draw_cancel_revoke_and_progress(db_args, tmp_path, capsys):
    assert run(capsys, "init", *db_args)[0] == 0
    code, out, _ = run(capsys, "import-plan", str(PLAN_FILE), *db_args)
    assert code == 0 and "22 items, 745 batches" in out
    assert run(capsys, "add-agency", "ag1", "--name", "山西省某检验院", "--team", "tm1", *db_args)[0] == 0
    assert run(capsys, "add-team", "tm2", "--agency", "ag1", "--name", "第二组", *db_args)[0] == 0
    code, out, _ = run(capsys, "add-user", "zhang", "--role", "sampler", "--agency", "ag1", "--team", "tm1",
                       "--certificate-no", "晋抽证1", *db_args)
    assert code == 0 and "password:" in out                     # generated and shown once
    code, _, err = run(capsys, "add-user", "li", "--role", "sampler", "--agency", "ag1", *db_args)
    assert code == 1 and "team" in err                           # a sampler needs a team
    good = [new_credit_code() for _ in range(4)]
    bad_code = good[0][:-1] + ("0" if good[0][-1] != "0" else "1")
    csv_text = "名称,统一社会信用代码,地址,抽样领域,联系人,电话\n" + "\n".join([
        f"太原甲加油站,{good[0]},太原市甲路1号,加油站,张,1",
        f"太原乙加油站,{bad_code},太原市乙路2号,加油站,李,2",
        f",{good[1]},太原市丙路3号,流通,王,3",
        f"太原丁加油站,{good[2]},太原市丁路4号,加油站,赵,4",
        f"太原戊服装店,{good[3]},太原市戊路5号,流通,钱,5"])
    path = tmp_path / "parties.csv"
    path.write_text(csv_text, encoding="utf-8-sig")
    code, out, err = run(capsys, "import-parties", str(path), *db_args)
    assert code == 1 and "3 added" in out and "2 rows refused" in out
    assert "line 3:" in err and "校验位" in err and "line 4:" in err and "名称" in err
    code, out, _ = run(capsys, "assign", "--plan-item", "2022-4-11", "--draw", "--count", "5", "--seed", "7",
                       "--due", "2022-11-15", *db_args)
    lines = [ln for ln in out.splitlines() if ln.startswith("task ")]
    assert code == 0 and len(lines) == 2                     # only two gas stations exist
    code, out2, _ = run(capsys, "assign", "--plan-item", "2022-4-11", "--draw", "--count", "5", *db_args)
    assert code == 0 and out2.strip() == ""                  # no party gets the same product twice
    code, _, err = run(capsys, "assign", "--plan-item", "2022-4-11", "--party", _party_id(db_args, good[3]),
                       "--team", "tm1", *db_args)
    assert code == 1 and "不包括" in err                     # a clothing shop is not a gas station
    task_id = lines[0].split()[1].rstrip(":")
    code, out, _ = run(capsys, "cancel-task", task_id, "--reason", "企业停业", *db_args)
    assert code == 0 and "cancelled" in out
    code, out, _ = run(capsys, "progress", "--json", *db_args)
    rows = {r["plan_item_id"]: r for r in json.loads(out)}
    assert rows["2022-4-11"]["assigned"] == 1 and rows["2022-4-11"]["quota"] == 100
    code, out, _ = run(capsys, "progress", *db_args)
    assert "车用汽油" in out and "合计" in out and "745" in out
    code, out, _ = run(capsys, "revoke-device", "--user", "zhang", *db_args)
    assert code == 0 and out.startswith("revoked")


def _party_id(db_args, credit_code: str) -> str:
    from sqlalchemy import select
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.parties.models import Party
    url = db_args[3] if len(db_args) > 2 else None
    db = Database(settings_for(db_args[1], url).db_url, run_migrations=False)
    with db.session() as s:
        pid = s.scalar(select(Party.id).where(Party.credit_code == credit_code))
    db.close()
    return pid


def test_import_plan_rules_are_checked_as_the_app_checks_them(tmp_path, capsys):
    """`import-plan --rules` reads the rules file through the app's own loader
    (app.domain.reference_data): a bad entry is named and nothing is stored;
    a good file reaches the laptops as SamplingRule, product fields and all."""
    from sqlalchemy import func, select

    from app.domain.reference_data import load_sampling_rules, resources_dir
    from sync.client.convert import rule as as_rule
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.plan import service as plans
    from sync.server.plan.models import SamplingRuleRow
    args = ["--data", str(tmp_path / "data")]
    assert run(capsys, "init", *args)[0] == 0
    doc = json.loads((resources_dir() / "sampling_rules.json").read_text(encoding="utf-8"))
    doc["rules"][1]["test_quantity"] = "两升"
    bad = tmp_path / "bad_rules.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "import-plan", str(PLAN_FILE), "--rules", str(bad), *args)
    assert code == 2 and "rules[1]" in err and "test_quantity" in err
    good = resources_dir() / "sampling_rules.json"
    code, out, _ = run(capsys, "import-plan", str(PLAN_FILE), "--rules", str(good), *args)
    assert code == 0 and "22 sampling rules" in out
    db = Database(settings_for(tmp_path / "data").db_url)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(SamplingRuleRow)) == 22
            sent = {r["product"]: as_rule(r) for r in plans.rules_out(session=s)}
    finally:
        db.close()
    shipped = load_sampling_rules()
    assert sent["车用汽油"].fields == shipped["车用汽油"].fields and sent["车用汽油"].fields
    assert {p: r.test_quantity for p, r in sent.items()} == {p: r.test_quantity for p, r in shipped.items()}
