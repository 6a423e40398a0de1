"""The change log's commit-order lock (pull/changes.py) is taken as a
transaction commits, never before it waits for a row. Taken at the first
change, an assignment (a party and its task in one transaction) and a
record push for the same plan item deadlocked on PostgreSQL: the push held
the plan item for its quota and wanted the lock; the assignment held the
lock and waited for the plan item to check its task's key."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from sync.server.db import Database
from sync.server.plan.models import PlanItem
from sync.server.pull.changes import record_change
from sync.server.pull.models import Change
from sync.server.tasks import service as tasks
from tests.sync.conftest import make_database
from tests.sync.world import add_party


@pytest.mark.postgres
def test_an_assignment_and_a_push_on_the_same_plan_item_both_commit(request, tmp_path):
    url, _world = make_database("postgresql", request, tmp_path)
    db = Database(url)
    try:
        with db.session() as s:
            first = s.scalar(select(Change.seq).order_by(Change.seq.desc()).limit(1))
        push = db.sessions()
        push.get(PlanItem, "T-fuel", with_for_update=True)       # as records/checks.py does for the quota
        outcome: dict[str, object] = {}

        def assign():
            try:
                with db.session() as s:
                    party = add_party(s, "并发派发", "gas_station")
                    outcome["task"] = tasks.create_task(session=s, plan_item_id="T-fuel", party_id=party,
                                                        team_id="team-a1").id
            except Exception as e:          # noqa: BLE001 - the test reports it
                outcome["error"] = e

        worker = threading.Thread(target=assign)
        worker.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:   # until the assignment waits for the plan item
            with db.engine.connect() as c:
                waiting = text("SELECT count(*) FROM pg_stat_activity "
                               "WHERE wait_event_type = 'Lock' AND datname = current_database()")
                if c.execute(waiting).scalar():
                    break
            time.sleep(0.02)
        else:
            pytest.fail("the assignment never waited for the plan item")
        record_change(session=push, kind="task", entity_id="t-pushed")
        push.commit()
        push.close()
        worker.join(20)
        assert "error" not in outcome, outcome.get("error")
        with db.session() as s:
            logged = [(c.kind, c.entity_id) for c in s.scalars(select(Change).where(Change.seq > first)
                                                              .order_by(Change.seq))]
        assert logged[0] == ("task", "t-pushed")          # committed first, numbered first
        assert ("task", outcome["task"]) in logged[1:] and logged[1][0] == "party"
    finally:
        db.close()
