"""Server migrations of this hardening carry stored data over: each is
taken down to the revision before it and up again over data the server
stored, on SQLite and PostgreSQL, and what the upgrade derives is checked."""
from __future__ import annotations

from alembic import command
from sqlalchemy import select, update

from sync.server.app import create_app
from sync.server.blobs.models import BlobHolder
from sync.server.config import settings_for
from sync.server.db import alembic_config, migrate
from sync.server.records.models import AmendmentRecord, Record
from sync.server.runner import start_in_thread
from tests.sync.test_record_ownership import SIG, _amendment_body
from tests.sync.visits import push_body, upload, world_visit


def _down_and_up(live, revision: str) -> None:
    live.running.stop()                   # nothing else holds the database meanwhile
    engine = live.db.engine
    command.downgrade(alembic_config(engine.url.render_as_string(hide_password=False), engine), revision)
    migrate(engine)


def test_0005_gives_stored_records_their_team_and_amendments_their_signature(live):
    v, _ = world_visit(live.world, "a1_petrol", "gas1")
    w, _ = world_visit(live.world, "a2_petrol", "gas2")
    keys = live.world.keys
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=keys["s_a1"])).status_code == 201
        am = _amendment_body(v, v.record_hash, client_id="old-amend-1", key=keys["s_a1"])
        assert c.post("/v1/records", json=am).status_code == 201
    with live.client("s_a2") as c:
        assert c.post("/v1/records", json=push_body(w, key=keys["s_a2"])).status_code == 201
    with live.db.session() as s:          # a record whose sender has left: its task's team
        s.execute(update(Record).where(Record.visit_id == w.id).values(user_id="u-gone"))
    _down_and_up(live, "0004_console")
    with live.db.session() as s:
        teams = dict(s.execute(select(Record.visit_id, Record.team_id)).all())
        sig = s.scalar(select(AmendmentRecord.signature_sha256))
    assert teams == {v.id: "team-a1", w.id: "team-a2"} and sig == SIG


def test_0007_makes_each_stored_blobs_uploader_its_holder(live):
    v, blobs = world_visit(live.world, "a1_petrol", "gas1")
    with live.client("s_a1") as c:
        assert c.post("/v1/records", json=push_body(v, key=live.world.keys["s_a1"])).status_code == 201
        upload(c, blobs)
    _down_and_up(live, "0006_record_signatures")
    with live.db.session() as s:
        holders = s.execute(select(BlobHolder.sha256, BlobHolder.device_id, BlobHolder.team_id,
                                   BlobHolder.agency_id)).all()
    assert sorted(holders) == sorted((sha, live.world.devices["s_a1"], "team-a1", "agency-a") for sha in blobs)
    live.running = start_in_thread(create_app(settings_for(live.data_dir, live.db.url), live.db))
    live.url = live.running.url
    with live.client("adm_a") as c:             # the record is complete and its photos shown, as before
        assert c.get(f"/v1/records/{push_body(v)['client_id']}").json()["complete"]
        assert c.get(f"/v1/blobs/{sorted(blobs)[0]}").status_code == 200
