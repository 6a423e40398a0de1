"""What a pull brings lives in one place on the laptop, the store the app
reads: the server's sampling rules are the ones a visit uses (the packaged
file is the first-run default), and a full refresh that no longer lists a
task removes it, or keeps it flagged when a visit was started on it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.messages import RuleViolation
from app.services import syncing, visits
from app.services.reference import list_tasks
from app.services.workspace import Workspace
from sync.client import state
from sync.server.plan import service as plans
from sync.server.tasks.models import Task
from tests.sync.device import FAST_RETRY
from tests.sync.world import PASSWORD

DIESEL = {"product": "车用柴油", "unit": "L", "test_quantity": "很多", "backup_quantity": "2"}   # not a rule


def _laptop(live, tmp_path) -> tuple[Workspace, object]:
    ws = Workspace(tmp_path / "laptop")
    syncing.sign_in(ws, live.url, "s_a1", PASSWORD)
    return ws, syncing.make_engine(ws, live.url, retry=FAST_RETRY)


def full_refresh(ws, engine):
    with ws.db.session() as s:
        state.put(s, "cursor", None)
    return engine.run(push=False)


def test_the_servers_sampling_rules_replace_the_packaged_ones(live_sqlite, tmp_path, memory_keyring):
    live = live_sqlite
    with live.db.session() as s:
        plans.import_rules(session=s, rules=[DIESEL])
    ws, engine = _laptop(live, tmp_path)
    shipped = ws.shipped_rules
    assert ws.rule_for("车用汽油") == shipped["车用汽油"] and shipped["车用汽油"].test_quantity == "2"
    report = engine.run(push=False)
    assert not report.network_error and report.pull.full
    petrol = ws.rule_for("车用汽油")
    assert petrol.test_quantity == "4" == ws.sampling_rules["车用汽油"].test_quantity    # the server says 4 L
    # What it does not say (product fields, container: a server older than
    # them) stays as the packaged rule says.
    assert (petrol.fields, petrol.container) == (shipped["车用汽油"].fields, shipped["车用汽油"].container)
    assert petrol.fields
    assert ws.rule_for("车用柴油") == shipped["车用柴油"]              # a broken rule is skipped, the pull goes on
    visit = visits.start_visit(ws, live.world.tasks["a1_petrol"])
    assert (visit.sample.unit, visit.sample.test_quantity, visit.sample.backup_quantity) == \
        ("L", Decimal("4"), Decimal("4"))
    # The province changes a rule: the next (incremental) pull brings it.
    with live.db.session() as s:
        plans.import_rules(session=s, rules=[{**DIESEL, "test_quantity": "3", "packages_test": 2}])
    assert not engine.run(push=False).pull.full
    assert (ws.rule_for("车用柴油").test_quantity, ws.rule_for("车用柴油").packages_test) == ("3", 2)
    assert ws.rule_for("羽绒服装") == shipped["羽绒服装"]


def test_full_refresh_drops_a_lost_task_and_keeps_one_with_a_visit(live_sqlite, tmp_path, memory_keyring):
    live = live_sqlite
    ws, engine = _laptop(live, tmp_path)
    engine.run(push=False)
    petrol, urea = live.world.tasks["a1_petrol"], live.world.tasks["a1_urea"]
    under_way = visits.start_visit(ws, petrol)
    with live.db.session() as s:        # the server lost both (restored from a backup older than them)
        for task_id in (petrol, urea):
            s.delete(s.get(Task, task_id))
    report = full_refresh(ws, engine)
    assert report.pull.full and sorted((d.task_id, d.kept) for d in report.pull.dropped) == sorted(
        [(petrol, True), (urea, False)])
    tasks = {t.id: t for t in list_tasks(ws)}
    assert urea not in tasks and petrol in tasks
    assert tasks[petrol].withdrawn and tasks[petrol].withdrawn_kind == "dropped"
    with pytest.raises(RuleViolation) as e:
        visits.start_visit(ws, petrol)
    assert [p.code for p in e.value.problems] == ["task.dropped"]
    assert visits.load(ws, under_way.id).status.value == "in_progress"       # the sampler's work stays
    again = full_refresh(ws, engine)
    assert again.pull.dropped == [] and petrol in {t.id for t in list_tasks(ws)}     # told once, kept
