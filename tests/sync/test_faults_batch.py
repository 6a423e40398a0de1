"""A batch cut in the middle: the server process killed while it stores a
batch, after the first record was committed and while the second waits
(its task row held by another transaction, on PostgreSQL). The laptop
sends the batch again; the first record is answered "duplicate", the
others are stored; each record once, each photo once."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from sync.client.transport import RetryPolicy, Timeouts
from sync.server.audit.models import AuditEntry
from sync.server.db import Database
from sync.server.records.models import Record
from tests.sync.device import Device
from tests.sync.test_faults_kill import ServerProcess
from tests.sync.test_faults import check_exactly_once
from tests.sync.world import add_big_tasks


def _stored(db: Database, visit_id: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Record).where(Record.visit_id == visit_id))


@pytest.mark.postgres
def test_server_killed_in_the_middle_of_a_batch(pg_cluster, pg_template, tmp_path):
    url = pg_cluster.create_database("fs_cut_batch", template=pg_template.url)
    db = Database(url)
    with db.session() as s:
        task_ids = set(add_big_tasks(s, 3, prefix="cut-"))
    server = ServerProcess(tmp_path / "data", url, "--workers", "1")
    server.start()
    holder = create_engine(url)
    try:
        dev = Device(tmp_path / "laptop", server.url, chunk_size=16 * 1024,
                     retry=RetryPolicy(base_s=0.05, max_delay_s=0.5, attempts=4),
                     timeouts=Timeouts(connect_s=1, read_s=30), key=pg_template.world.keys["s_a1"])
        token = pg_template.world.tokens["s_a1"]
        dev.engine(token=token).run(push=False)
        for t in [t for t, _ in dev.tasks() if t.id in task_ids]:
            dev.finish_visit(t, photo_sizes=(20_000,))
        first, second, third = dev.outbox()
        with holder.connect() as conn, conn.begin():
            # Another transaction holds the second record's task row.
            conn.execute(text("SELECT id FROM tasks WHERE id = :id FOR UPDATE"), {"id": second.task_id})
            reports = []
            run = threading.Thread(target=lambda: reports.append(dev.engine(token=token).run(pull=False)))
            run.start()
            deadline = time.monotonic() + 60
            while not _stored(db, first.visit_id):
                assert time.monotonic() < deadline, "the first record of the batch never arrived"
                time.sleep(0.05)
            time.sleep(0.3)                     # the second is waiting for the row
            assert _stored(db, second.visit_id) == 0 and _stored(db, third.visit_id) == 0
            server.kill_and_restart()           # SIGKILL in the middle of the batch
        run.join(timeout=120)
        assert reports and not reports[0].complete
        for _ in range(10):
            dev.engine(token=token).run(pull=False)
            if all(i.status == "sent" for i in dev.outbox()):
                break
        assert [i.status for i in dev.outbox()] == ["sent"] * 3

        class LiveView:          # what check_exactly_once reads
            pass
        view = LiveView()
        view.db, view.data_dir = db, tmp_path / "data"
        check_exactly_once(view, dev, seed=0)
        with db.session() as s:
            received = dict(s.execute(select(AuditEntry.target, func.count()).where(
                AuditEntry.action == "record.received").group_by(AuditEntry.target)).all())
        assert [received.get(i.client_id) for i in (first, second, third)] == [1, 1, 1]
    finally:
        server.stop()
        holder.dispose()
        db.close()
