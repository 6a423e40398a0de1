"""One writer per transaction (app/store/db.py): the sync thread and the
GUI's DB worker write the same SQLite file. Here both run flat out against a
real server on loopback: every sync is a full refresh that rewrites every
task row, while autosaves, new visits and finished visits go on. No
"database is locked" reaches either side and no write is lost."""
from __future__ import annotations

import threading
from datetime import timedelta

from app.domain.entities import TaskStatus
from app.services import steps, syncing, visits
from app.services.workspace import Workspace
from app.store import master_repo
from app.store.sync_models import OutboxItem
from sync.client import state
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.sync import world
from tests.sync.device import FAST_RETRY
from tests.sync.world import PASSWORD

AUTOSAVES = 2000
NEW_VISIT_EVERY = 250           # autosaves between two visits started
FINISH_EVERY = 700              # autosaves between two visits completed and signed


def with_licence(ws, visit) -> None:
    steps.record_party(ws, visit.id, licence_no="营业执照（测试）0001")


def test_sync_and_autosave_at_once_lose_nothing(live_sqlite, tmp_path, memory_keyring, make_jpeg):
    live = live_sqlite
    with live.db.session() as s:
        fresh = world.add_big_tasks(s, 12)
    ws = Workspace(tmp_path / "laptop")
    syncing.sign_in(ws, live.url, "s_a1", PASSWORD)
    engine = syncing.make_engine(ws, live.url, retry=FAST_RETRY, defer=lambda n: timedelta(0))
    assert not engine.run(push=False).network_error
    edited = visits.start_visit(ws, fresh[0]).id
    started, finished = [fresh[0]], []

    stop, failures, runs = threading.Event(), [], []

    def sync_loop() -> None:
        while not stop.is_set():
            try:
                with ws.db.session() as s:         # a full refresh each time: every task row rewritten
                    state.put(s, "cursor", None)
                runs.append(engine.run())
            except Exception as e:  # noqa: BLE001 - the assertion below shows it
                failures.append(e)
                return
    syncer = threading.Thread(target=sync_loop, name="sync")
    syncer.start()
    try:
        i = 0
        # At least AUTOSAVES, and on until the sync has run 10 times alongside
        # (a loaded machine may run few syncs in the time of 2000 autosaves).
        while i < AUTOSAVES or (len(runs) < 10 and i < 50 * AUTOSAVES and syncer.is_alive()):
            i += 1
            steps.record_remarks(ws, edited, f"第{i}次")
            if i > AUTOSAVES:
                continue
            if i % NEW_VISIT_EVERY == 0:
                started.append(fresh[len(started) + len(finished)])
                visits.start_visit(ws, started[-1])
            if i % FINISH_EVERY == 0:
                task_id = fresh[len(started) + len(finished)]
                complete_visit(ws, make_jpeg, signature_png, task_id, arrive=with_licence)
                finished.append(task_id)
    finally:
        stop.set()
        syncer.join(60)
    assert not failures, failures
    assert len(runs) >= 10, "the sync must have run alongside the autosaves"
    assert all(not (r.network_error or r.auth_error) for r in runs), [r.network_error for r in runs]
    assert sum(r.pull.full for r in runs) == len(runs)

    final = engine.run()
    assert final.complete and not final.network_error
    assert visits.load(ws, edited).remarks == f"第{i}次"           # the last autosave stands
    with ws.db.read() as s:
        status = {t: master_repo.load_task(s, t).status for t in started + finished}
        outbox = list(s.query(OutboxItem))
    # A refresh never put a task back to 待抽样 under a visit begun here.
    assert {t: status[t] for t in started} == {t: TaskStatus.IN_PROGRESS for t in started}
    assert {t: status[t] for t in finished} == {t: TaskStatus.DONE for t in finished}
    assert len(finished) == AUTOSAVES // FINISH_EVERY
    assert sorted(o.task_id for o in outbox) == sorted(finished)
    assert {o.status for o in outbox} == {"sent"}
