"""The sync sends the signed record, never an edited copy, and a signed
record missing from the outbox still reaches the server (the store under
the worst day, point 5), through a real server on loopback."""
from __future__ import annotations

import hashlib
import json
import sqlite3

from sqlalchemy import select

from app.domain.canonical import canonical_bytes
from app.services import steps, syncing
from app.services.device_key import DeviceKey
from app.services.workspace import Workspace
from app.store import master_repo, paths
from sync.client.enroll import enroll
from sync.server.records.models import Record
from tests.conftest import signature_png
from tests.scenarios import complete_visit
from tests.sync.world import PASSWORD


def _laptop(live, tmp_path, make_jpeg):
    ws = Workspace(tmp_path / "laptop")
    enroll(live.url, "s_a1", PASSWORD, DeviceKey.load_or_create().public_key_bytes(), device_name="笔记本")
    syncing.make_engine(ws, live.url).run(push=False)
    with ws.db.session() as s:
        tasks = [master_repo.load_task(s, r.id) for r in master_repo.list_tasks(s)]
    petrol = next(t for t in tasks if t.plan_item_ids == ["2022-4-11"])
    v = complete_visit(ws, make_jpeg, signature_png, petrol.id, samplers=[(m.id, m.name) for m in petrol.team],
                       arrive=lambda ws, v: steps.record_party(ws, v.id, licence_no="成品油零售经营批准证书 晋油零售2019-001"))
    return ws, v


def _sql(ws, sql: str, params=()) -> None:
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    con.execute(sql, params)
    con.commit()
    con.close()


def _server_record(live, visit_id: str) -> Record | None:
    with live.db.session() as s:
        return s.scalar(select(Record).where(Record.visit_id == visit_id))


def test_forged_outbox_copy_never_reaches_the_server(live_sqlite, tmp_path, make_jpeg, memory_keyring):
    ws, v = _laptop(live_sqlite, tmp_path, make_jpeg)
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    original = con.execute("SELECT canonical FROM sync_outbox WHERE visit_id=?", (v.id,)).fetchone()[0]
    con.close()
    forged = json.loads(original)
    forged["party"]["name"] = "TAMPERED"
    raw = canonical_bytes(forged)
    _sql(ws, "UPDATE sync_outbox SET canonical=?, record_hash=? WHERE visit_id=?",
         (raw, hashlib.sha256(raw).hexdigest(), v.id))
    report = syncing.make_engine(ws, live_sqlite.url).run()
    assert [i.status for i in report.items] == ["sent"]
    rec = _server_record(live_sqlite, v.id)
    assert rec is not None and rec.record_hash == v.record_hash
    assert "TAMPERED" not in rec.document and json.loads(rec.document)["party"]["name"] == v.party.name
    ws.close()


def test_signed_record_missing_from_the_outbox_is_synced_anyway(live_sqlite, tmp_path, make_jpeg, memory_keyring):
    ws, v = _laptop(live_sqlite, tmp_path, make_jpeg)
    _sql(ws, "DELETE FROM sync_outbox WHERE visit_id=?", (v.id,))
    report = syncing.make_engine(ws, live_sqlite.url).run()
    assert [i.status for i in report.items] == ["sent"]
    assert _server_record(live_sqlite, v.id).record_hash == v.record_hash
    ws.close()


def test_record_whose_signed_original_was_altered_is_held_back(live_sqlite, tmp_path, make_jpeg, memory_keyring):
    ws, v = _laptop(live_sqlite, tmp_path, make_jpeg)
    _sql(ws, "DROP TRIGGER signed_records_no_update")
    con = sqlite3.connect(paths.database_path(ws.data_dir))
    raw = con.execute("SELECT canonical FROM signed_records WHERE visit_id=?", (v.id,)).fetchone()[0]
    con.close()
    _sql(ws, "UPDATE signed_records SET canonical=? WHERE visit_id=?",
         (raw.replace("钱经理".encode(), "孙经理".encode()), v.id))
    syncing.make_engine(ws, live_sqlite.url).run()
    assert _server_record(live_sqlite, v.id) is None
    [row] = syncing.records(ws)
    assert row.status == "quarantined" and "哈希" in row.reason("zh_CN")
    ws.close()
