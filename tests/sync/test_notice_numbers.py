"""通知书编号: the server numbers each task's inspection notice in the plan's
series when it assigns the task, on SQLite and PostgreSQL; the laptop gets
the number with the task and keeps it in its store."""
from __future__ import annotations

import re
import zlib
from concurrent.futures import ThreadPoolExecutor

import keyring
import pytest

from app.store import master_repo
from sync.server.plan import service as plans
from tests.sync.device import Device
from tests.sync.world import PASSWORD

SERIES = re.compile(r"^晋市监抽〔2022〕4-(\d{4})号$")


def _numbers(tasks: list[dict]) -> list[int]:
    out = []
    for t in tasks:
        m = SERIES.match(t["notice_no"])
        assert m, t["notice_no"]
        out.append(int(m.group(1)))
    return out


def test_tasks_are_numbered_in_the_plans_series_and_the_laptop_keeps_the_number(live, tmp_path, memory_keyring):
    with live.client("prov") as c:
        seeded = c.get("/v1/tasks").json()["tasks"]
    plan_tasks = [t for t in seeded if t["plan_id"] == "2022-4"]
    assert sorted(_numbers(plan_tasks)) == list(range(1, len(plan_tasks) + 1))

    dev = Device(tmp_path / "s_a1", live.url, seed=zlib.crc32(b"s_a1"))
    dev.enroll("s_a1", PASSWORD)
    dev.token = keyring.get_password("field-sampler", f"sync-token:{live.url}")
    dev.engine(token=dev.token).run(push=False)
    petrol = live.world.tasks["a1_petrol"]
    with dev.store.session() as s:
        stored = master_repo.load_task(s, petrol)
    assert stored.notice_no == next(t["notice_no"] for t in seeded if t["id"] == petrol)


def test_tasks_assigned_at_the_same_moment_get_different_numbers(live):
    """The plan row is locked while a number is taken: eight assignments at
    once take the next eight numbers, none twice."""
    with live.client("prov") as c:
        before = len([t for t in c.get("/v1/tasks").json()["tasks"] if t["plan_id"] == "2022-4"])

    def assign(_):
        with live.client("prov") as c:
            r = c.post("/v1/tasks", json={"plan_item_id": "2022-4-11", "party_id": live.world.parties["gas2"],
                                          "team_id": "team-a2"})
            assert r.status_code == 201, r.text
            return r.json()

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(assign, range(8)))
    assert sorted(_numbers(made)) == list(range(before + 1, before + 9))


def test_a_plan_without_a_format_numbers_by_plan_id_and_a_bad_format_is_refused(live):
    with live.db.session() as s:
        plans.import_plan(session=s, data={"id": "2023-1", "title": "2023年第一批", "items": [
            {"id": "2023-1-1", "seq": 1, "category": "交通用具及相关产品", "product": "车用汽油", "batches": 3,
             "scopes": ["gas_station"]}]})
        with pytest.raises(ValueError, match="seq"):
            plans.import_plan(session=s, data={"id": "2023-2", "title": "2023年第二批", "items": [],
                                               "notice_no_format": "晋市监抽〔2023〕2-号"})
        longest = "晋" * 95 + "{seq}"                        # as long as a plan file may give it
        plans.import_plan(session=s, data={"id": "2023-3", "title": "2023年第三批", "notice_no_format": longest,
                                           "items": [{"id": "2023-3-1", "seq": 1, "category": "交通用具及相关产品",
                                                      "product": "车用汽油", "batches": 3,
                                                      "scopes": ["gas_station"]}]})
    with live.client("prov") as c:
        made = [c.post("/v1/tasks", json={"plan_item_id": item, "party_id": live.world.parties["gas2"],
                                          "team_id": "team-a2"}) for item in ("2023-1-1", "2023-3-1")]
    assert [r.status_code for r in made] == [201, 201], made[-1].text
    assert [r.json()["notice_no"] for r in made] == ["2023-1-0001", "晋" * 95 + "0001"]

