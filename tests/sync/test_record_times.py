"""One record cannot break reporting. Every time in a push has a zone and
lies in a window around the server's clock (else 422 naming the field); a
skewed laptop clock inside it is accepted, flagged and corrected; and
progress (API and command line) survives any time already stored."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text

from sync.server.audit.models import AuditEntry
from sync.server.cli import main
from sync.server.records.models import Record
from tests.sync.pushes import record_body

UTC = timezone.utc


def _refusal(r) -> tuple[str, str]:
    assert r.status_code == 422, r.text[:300]
    body = r.json()
    assert body["ok"] is False
    return body["error"]["code"], body["error"]["field"]


def test_times_outside_the_window_are_refused_naming_the_field(live):
    now = datetime.now(UTC).replace(microsecond=0)
    with live.client("s_a1") as c:
        for device_time in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1980-01-01T00:00:00+08:00",
                            "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                            (now + timedelta(days=400)).isoformat()):
            body = dict(record_body(live), device_time=device_time)
            code, field = _refusal(c.post("/v1/records", json=body))
            assert (code, field) == ("sync.time_range", "device_time"), device_time
        r = c.post("/v1/records", json=dict(record_body(live), device_time="9999-12-31T23:59:59Z"))
        error = r.json()["error"]
        assert error["zh"].startswith("请检查设备时钟：设备时间（device_time）为 9999-12-31 23:59 UTC")
        assert error["en"].startswith("Check the device clock: device_time is 9999-12-31 23:59 UTC")
        for finished in (datetime(9999, 12, 31, 22, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)):
            code, field = _refusal(c.post("/v1/records", json=record_body(live, finished_at=finished)))
            assert code == "sync.time_range" and field.startswith("document."), finished
        # The right record, with a sane clock, still goes in.
        assert c.post("/v1/records", json=record_body(live)).status_code == 201
    with live.db.session() as s:
        assert len(s.scalars(select(Record)).all()) == 1


def test_a_skewed_clock_inside_the_window_is_accepted_flagged_and_corrected(live):
    """A laptop whose clock is three years behind: it samples and sends by
    that clock. The record is accepted, the skew is in the audit log, and
    progress does not count it late."""
    def petrol() -> dict:
        with live.client("adm_a") as c:
            rows = c.get("/v1/progress", params={"plan_id": "2022-4"}).json()["rows"]
        return next(r for r in rows if r["plan_item_id"] == "2022-4-11")
    before = petrol()          # a2's open task is past its due date already
    skew = timedelta(days=3 * 365)
    finished = datetime.now(UTC).replace(microsecond=0) - skew - timedelta(hours=1)
    body = record_body(live, finished_at=finished)
    body["device_time"] = (datetime.now(UTC) - skew).isoformat()
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=body).status_code == 201
    with live.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "record.received")).one()
        assert abs(entry.detail["clock_skew_s"] - skew.total_seconds()) < 120
    after = petrol()
    assert after["sampled"] == before["sampled"] + 1
    # Its own task is no longer open, and the record itself is not late.
    assert after["overdue"] == before["overdue"] - 1


EXTREMES = [datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)]


def _store_records(live) -> None:
    """Rows as an old server (or someone at the database) left them."""
    now = datetime.now(UTC)
    combos = [(a, b, now) for a in EXTREMES for b in EXTREMES] + [(None, EXTREMES[0], EXTREMES[1]),
                                                                 (EXTREMES[1], now, EXTREMES[0])]
    with live.db.session() as s:
        for i, (finished, device, received) in enumerate(combos):
            s.add(Record(client_id=f"old-{i:04d}", visit_id=f"old-visit-{i}", record_hash=f"{i:064x}",
                         task_id=live.world.tasks["a1_petrol"], plan_item_id="2022-4-11",
                         party_id=live.world.parties["gas1"], agency_id="agency-a", user_id="u", device_id="d",
                         status="finished", product="车用汽油", document="{}", finished_at=finished,
                         device_time=device, received_at=received))
    with live.db.session() as s:       # and values no time can hold
        if live.backend == "sqlite":
            s.execute(text("UPDATE records SET device_time = 'not a time' WHERE client_id = 'old-0000'"))
            s.execute(text("UPDATE records SET received_at = '' WHERE client_id = 'old-0001'"))
        else:
            s.execute(text("UPDATE records SET device_time = 'infinity' WHERE client_id = 'old-0000'"))
            s.execute(text("UPDATE records SET received_at = '-infinity' WHERE client_id = 'old-0001'"))


def test_progress_survives_any_stored_time(live, capsys):
    _store_records(live)
    for user in ("prov", "adm_a"):            # the lab reads no progress (PROTOCOL.md: least privilege)
        with live.client(user) as c:
            r = c.get("/v1/progress", params={"plan_id": "2022-4"})
        assert r.status_code == 200 and r.json()["ok"], (user, r.text[:300])
        row = next(x for x in r.json()["rows"] if x["plan_item_id"] == "2022-4-11")
        assert row["sampled"] == 6, user
    url = live.db.url
    assert main(["progress", "--plan", "2022-4", "--data", str(live.data_dir), "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "车用汽油" in out and "合计" in out
    assert main(["progress", "--plan", "2022-4", "--json", "--data", str(live.data_dir), "--database-url", url]) == 0
