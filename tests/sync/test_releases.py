"""The published app release (CLI and API), and an app whose protocol the
server no longer supports: a 426 with the version to install and where,
shown by the app; the queued record is neither retried forever nor set
aside."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import signature_png
from tests.scenarios import complete_visit

from dataclasses import replace

import pytest

from app.store.sync_models import OutboxItem
from sync.client.engine import SyncEngine
from sync.client.enroll import check_server, latest_release
from sync.client.errors import UpgradeRequired
from sync.client.transport import RetryPolicy, Transport
from sync.server.app import create_app
from sync.server.cli import main as server_cli
from sync.server.config import settings_for
from sync.server.db import Database
from sync.server.runner import start_in_thread


def test_publish_and_read_the_release(live):
    with live.client() as c:                       # open to everyone, even before enrollment
        assert c.get("/v1/app/release").json()["version"] == ""
    for who in ("adm_a", "s_a1", "lab_a"):
        with live.client(who) as c:
            assert c.put("/v1/app/release", json={"version": "0.2.0", "download_url": "https://x/y.exe"}) \
                .status_code == 403
    with live.client("prov") as c:
        r = c.put("/v1/app/release", json={"version": "0.2.0", "download_url": "https://dl.example.gov.cn/fs-0.2.0.exe",
                                           "notes": "修正封条打印"})
        assert r.status_code == 200, r.text
        bad = c.put("/v1/app/release", json={"version": "0.3.0", "download_url": "file:///etc/passwd"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "release.bad_url"
    rel = latest_release(live.url)
    assert rel.version == "0.2.0" and rel.download_url.endswith("fs-0.2.0.exe") and rel.notes == "修正封条打印"
    assert rel.protocols == ["fs-sync/1", "fs-sync/2"]


def test_cli_sets_the_version(tmp_path, capsys):
    data = ["--data", str(tmp_path / "d")]
    assert server_cli(["init", *data]) == 0
    assert server_cli(["set-app-version", "1.4.2", "--url", "https://dl.example.gov.cn/fs.exe", *data]) == 0
    assert "published app version 1.4.2" in capsys.readouterr().out
    assert server_cli(["set-app-version", "latest", "--url", "https://x", *data]) == 1
    assert "版本号格式不正确" in capsys.readouterr().err
    db = Database(settings_for(tmp_path / "d").db_url)
    from sync.server.releases import service
    with db.session() as s:
        assert service.current(session=s).version == "1.4.2"
    db.close()


@pytest.fixture
def newer_server(sqlite_template, tmp_path):
    """A server that moved on to a protocol this app does not speak, with
    the new app published."""
    import shutil
    shutil.copyfile(sqlite_template.url, tmp_path / "server.db")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    settings = replace(settings_for(tmp_path / "srv", url), protocols=("fs-sync/3",))
    db = Database(url)
    with db.session() as s:
        from sync.server.releases import service
        service.publish(session=s, version="2.0.0", download_url="https://dl.example.gov.cn/fs-2.0.0.exe", actor="t")
    running = start_in_thread(create_app(settings, db))
    yield running.url, sqlite_template.world
    running.stop()
    db.close()


def test_an_unsupported_app_is_told_what_to_install(newer_server):
    url, world = newer_server
    t = Transport(url, world.tokens["s_a1"], retry=RetryPolicy(attempts=1))
    try:
        with pytest.raises(UpgradeRequired) as e:
            t.call("GET", "/v1/pull")
    finally:
        t.close()
    assert e.value.code == "client.upgrade_required"
    assert "2.0.0" in e.value.zh and "https://dl.example.gov.cn/fs-2.0.0.exe" in e.value.zh
    assert "不会丢失" in e.value.zh and "no longer supported" in e.value.en
    # the health check and the release stay open to the old app
    rel = check_server(url)
    assert rel.version == "2.0.0" and rel.protocols == ["fs-sync/3"]
    # a browser or curl (no protocol header) is not refused
    import httpx
    assert httpx.get(url + "/v1/me", headers={"Authorization": f"Bearer {world.tokens['s_a1']}"}).status_code == 200


def test_the_sync_stops_with_the_message_and_the_record_stays_queued(newer_server, seeded, make_jpeg):
    url, world = newer_server
    ws = seeded
    v = complete_visit(ws, make_jpeg, signature_png)          # a real finished record, queued
    engine = SyncEngine(server_url=url, db=ws.db, photo_source=ws.evidence.path,
                        token=world.tokens["s_a1"], retry=RetryPolicy(attempts=2, base_s=0.01),
                        signer=world.keys["s_a1"])
    report = engine.run()
    assert report.upgrade_required is not None and report.auth_error is None and not report.network_error
    assert not report.complete
    assert "2.0.0" in report.upgrade_required.zh
    report = engine.run(pull=False)            # the push is refused the same way
    assert report.upgrade_required is not None
    with ws.db.session() as s:
        item = s.scalar(select(OutboxItem).where(OutboxItem.visit_id == v.id))
        assert item.status == "pending" and item.reason == "" and item.attempts == 0
