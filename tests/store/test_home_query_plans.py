"""The home screen's reads stay index reads as a laptop fills up with years
of visits: no full scan of the visits table or of the outbox, and no
subquery re-run per visit over the outbox (a correlated NOT EXISTS that
SQLite ran through the outbox's status index took 9 s with 19,000 synced
visits). Checked on SQLite's own query plans of the statements the home
screen runs, on a store made by the app's migrations."""
from __future__ import annotations

from sqlalchemy import event

from app.services import overview
from app.services.reference import import_master_data
from app.services.workspace import Workspace
from tests.conftest import AGENCY, MINI_PLAN, SAMPLERS, make_task


def _plans_of_home_reads(ws: Workspace) -> dict[str, list[str]]:
    statements: list[tuple[str, tuple]] = []

    def seen(conn, cursor, stmt, params, context, many):
        if stmt.lstrip().upper().startswith("SELECT"):
            statements.append((stmt, params))
    event.listen(ws.db.engine, "before_cursor_execute", seen)
    try:
        overview.home(ws, MINI_PLAN.id)
    finally:
        event.remove(ws.db.engine, "before_cursor_execute", seen)
    plans = {}
    with ws.db.engine.connect() as conn:
        for stmt, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params).all()
            plans[stmt] = [r[-1] for r in rows]
    return plans


def test_home_reads_use_indexes_not_scans(tmp_path, clock):
    ws = Workspace(tmp_path / "data", clock=clock)
    import_master_data(ws, plan=MINI_PLAN, agencies=[AGENCY], samplers=SAMPLERS, tasks=[make_task()])
    plans = _plans_of_home_reads(ws)
    visits_reads = {s: p for s, p in plans.items() if " visits" in s}
    assert len(visits_reads) >= 5, list(plans)        # tasks' outcomes, progress, the waiting visits...
    for stmt, plan in plans.items():
        for step in plan:
            assert not step.startswith(("SCAN visits", "SCAN sync_outbox")), (step, stmt)
            assert "CORRELATED" not in step or "sync_outbox" not in stmt, (step, stmt)
    waiting = [p for s, p in plans.items() if "sync_outbox" in s and "NOT IN" in s]    # the awaiting visits
    assert waiting and any("COVERING INDEX ix_sync_outbox_delivered" in step for step in waiting[0])
    ws.close()
