"""A visit begun before China midnight and signed after it has one e-CQS
deadline everywhere: the home screen's waiting list, the sync screen's
record list and the sync report all count from the signing (the record's
sampling time, as the server does)."""
from __future__ import annotations

from datetime import datetime, timezone

from app.domain.times import CHINA
from app.services import overview, syncing
from sync.client import outbox
from tests.conftest import signature_png
from tests.scenarios import complete_visit


def test_home_and_sync_screen_agree_on_the_deadline(seeded, make_jpeg, clock):
    clock.now = datetime(2022, 11, 15, 15, 50, tzinfo=timezone.utc)       # 23:50 China time: arrive

    def past_midnight(ws, visit):
        clock.now = datetime(2022, 11, 15, 16, 20, tzinfo=timezone.utc)   # 00:20 on the 16th: sign
    done = complete_visit(seeded, make_jpeg, signature_png, arrive=past_midnight)
    due = datetime(2022, 11, 17, 23, 59, 59, tzinfo=CHINA)
    [home] = overview.awaiting_sync(seeded)
    [row] = syncing.records(seeded, seeded.now())
    with seeded.db.read() as s:
        [report] = outbox.deadlines(s, seeded.now())
    assert home.visit.id == done.id and (home.deadline, home.state) == (due, "due")
    assert (row.deadline, row.deadline_state) == (due, "due") == (report.deadline, report.state)
