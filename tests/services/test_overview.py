"""The home screen's reads: plan progress, visits awaiting sync with their
e-CQS deadline, where an unfinished visit stopped, and the visit search."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

from app.domain.visit import VisitStatus
from app.domain.workflow import Step
from app.services import overview, steps, visits
from app.services.reference import import_master_data
from tests.conftest import GAS_STATION, MINI_PLAN, make_task, signature_png
from tests.scenarios import complete_visit

UTC = timezone.utc


def _item(progress, item_id):
    return next(p for p in progress if p.item_id == item_id)


def test_plan_progress_counts_finished_and_started_visits(seeded, make_jpeg):
    complete_visit(seeded, make_jpeg, signature_png)            # 车用汽油 (2022-4-11)
    visits.start_visit(seeded, "t-gas-2")                       # 车用柴油 (2022-4-10), open
    progress = overview.plan_progress(seeded, "2022-4")
    assert [p.item_id for p in progress] == [i.id for i in sorted(MINI_PLAN.items, key=lambda i: i.seq)]
    petrol, diesel = _item(progress, "2022-4-11"), _item(progress, "2022-4-10")
    assert (petrol.quota, petrol.sampled, petrol.in_progress, petrol.remaining) == (100, 1, 0, 99)
    assert (diesel.quota, diesel.sampled, diesel.in_progress, diesel.remaining) == (200, 0, 1, 200)
    assert _item(progress, "2022-4-13").sampled == 0


def test_finished_visit_waits_for_sync_with_its_deadline(seeded, make_jpeg, clock):
    done = complete_visit(seeded, make_jpeg, signature_png)
    visits.start_visit(seeded, "t-gas-2")                       # in progress: not waiting
    waiting = overview.awaiting_sync(seeded)
    assert [w.visit.id for w in waiting] == [done.id]
    assert overview.awaiting_sync_page(seeded)[1] == 1
    # sampled 2022-11-15 10:30 China time: due 2022-11-16 23:59:59 China time
    assert waiting[0].deadline.astimezone(UTC) == datetime(2022, 11, 16, 15, 59, 59, tzinfo=UTC)
    assert waiting[0].state == "due"
    clock.now = datetime(2022, 11, 16, 12, 0, tzinfo=UTC)       # 20:00 in China: 4 h left
    assert overview.awaiting_sync(seeded)[0].state == "near"
    clock.now = datetime(2022, 11, 16, 16, 0, tzinfo=UTC)       # midnight passed
    assert overview.awaiting_sync(seeded)[0].state == "overdue"


def test_awaiting_sync_lists_the_oldest_first_and_pages(seeded, clock):
    ids = []
    for n in range(5):
        v = visits.start_visit(seeded, "t-gas-1", restart_reason="受检单位后来同意抽样")
        visits.mutate(seeded, v.id, lambda x: setattr(x, "status", VisitStatus.REFUSED))
        ids.append(v.id)
        clock.now += timedelta(hours=1)
    first = overview.awaiting_sync(seeded, limit=3)
    rest = overview.awaiting_sync(seeded, limit=3, offset=3)
    assert [w.visit.id for w in first + rest] == ids
    with patch.object(overview, "PAGE", 3):              # the home screen's first page and count, in one read
        home = overview.home(seeded, "2022-4")
    assert [w.visit.id for w in home.awaiting] == ids[:3] and home.awaiting_total == 5
    assert [w.sync_status for w in home.awaiting] == [w.sync_status for w in first]


def test_resume_point_names_the_step_where_the_visit_stopped(seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    visits.advance(seeded, v.id)
    data = overview.home(seeded, "2022-4")
    [point] = data.resume
    assert point.visit.id == v.id and point.step == Step.EVIDENCE and point.number == 3
    assert point.title("zh_CN") == "现场取证拍照" and point.title("en") == "Evidence photos"
    assert [t.id for t in data.tasks] == ["t-gas-1", "t-gas-2", "t-gas-3"]
    assert data.awaiting == [] and data.awaiting_total == 0


def _seed_parties(ws, clock, names):
    tasks = [make_task(f"t-{i}", party=replace(GAS_STATION, id=f"p-{i}", name=name, credit_code=""))
             for i, name in enumerate(names)]
    import_master_data(ws, tasks=tasks)
    made = []
    for t in tasks:
        made.append(visits.start_visit(ws, t.id))
        clock.now += timedelta(minutes=5)
    return made


def test_search_finds_by_party_name_and_record_number(seeded, clock):
    names = ["太原市小店区某加油站", "大同市云冈区某商店", "晋中市榆次区某加油站", "100%纯棉服饰店"]
    made = _seed_parties(seeded, clock, names)
    found = overview.search_visits(seeded, "加油站")
    assert [v.party_name for v in found] == ["晋中市榆次区某加油站", "太原市小店区某加油站"]  # newest first
    assert [v.id for v in overview.search_visits(seeded, made[1].record_no)] == [made[1].id]
    assert [v.party_name for v in overview.search_visits(seeded, "100%")] == ["100%纯棉服饰店"]
    assert [v.party_name for v in overview.search_visits(seeded, "%")] == ["100%纯棉服饰店"]  # not a wildcard
    assert overview.search_visits(seeded, "  ") == []
    assert overview.search_visits(seeded, "不存在的单位") == []
    assert len(overview.search_visits(seeded, "某", limit=2)) == 2
    assert len(overview.search_visits(seeded, "某", limit=2, offset=2)) == 1  # three match


def test_search_reads_the_narrow_indexes_not_the_visit_documents(seeded):
    """With 20,000 visits a table scan reads every visit's JSON; the search
    must scan only the party-name and record-number indexes."""
    from app.store import overview_repo
    with seeded.db.session() as s:
        captured = []
        from sqlalchemy import event
        engine = s.get_bind()

        def grab(conn, cursor, statement, params, context, executemany):
            captured.append((statement, params))
        event.listen(engine, "before_cursor_execute", grab)
        try:
            overview_repo.search_visits(s, "加油站")
        finally:
            event.remove(engine, "before_cursor_execute", grab)
        statement, params = captured[-1]
        plan = [r[-1] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    scans = [p for p in plan if p.startswith("SCAN")]
    assert scans and all("COVERING INDEX" in p for p in scans), plan


def _set_outbox(ws, visit_id, status):
    from app.store.sync_models import OutboxItem
    with ws.db.session() as s:
        item = s.query(OutboxItem).filter_by(visit_id=visit_id, kind="record").one()
        item.status = status


def test_only_a_record_the_server_holds_completely_stops_waiting(seeded, make_jpeg, clock):
    """pending (not delivered), accepted (photos outstanding) and quarantined
    (refused, needs the sampler) keep a visit waiting; sent ends the wait."""
    done = complete_visit(seeded, make_jpeg, signature_png)
    assert [(w.visit.id, w.sync_status) for w in overview.awaiting_sync(seeded)] == [(done.id, "pending")]
    _set_outbox(seeded, done.id, "accepted")
    assert [w.sync_status for w in overview.awaiting_sync(seeded)] == ["accepted"]
    _set_outbox(seeded, done.id, "quarantined")
    assert [w.sync_status for w in overview.awaiting_sync(seeded)] == ["quarantined"]
    assert overview.awaiting_sync_page(seeded)[1] == 1
    _set_outbox(seeded, done.id, "sent")
    assert overview.awaiting_sync(seeded) == [] and overview.awaiting_sync_page(seeded)[1] == 0
    assert overview.home(seeded, "2022-4").awaiting_total == 0


def test_an_ended_visit_missing_from_the_outbox_still_waits(seeded, clock):
    """A store older than the outbox: nothing says the server has it."""
    v = visits.start_visit(seeded, "t-gas-1")
    visits.mutate(seeded, v.id, lambda x: setattr(x, "status", VisitStatus.REFUSED))
    assert [(w.visit.id, w.sync_status) for w in overview.awaiting_sync(seeded)] == [(v.id, "")]
