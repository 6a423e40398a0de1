"""Server fixtures: a real uvicorn on loopback over a fresh database per test,
SQLite or a real PostgreSQL cluster started by this test run."""
from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sync.server.app import create_app
from sync.server.config import settings_for
from sync.server.db import Database
from sync.server.runner import RunningServer, start_in_thread
from tests.sync import world as world_mod
from tests.sync.pgcluster import PgCluster

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def s3_settings(seaweed) -> dict:
    """Settings keys that point a server at the test SeaweedFS (the
    `seaweed` and `s3_url` fixtures are in tests/conftest.py: the console
    tests use them too)."""
    return {"s3_endpoint": seaweed.endpoint, "s3_credentials_file": str(seaweed.credentials_file())}


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@dataclass
class Template:
    url: str                # sqlite file path or PostgreSQL template name
    world: world_mod.World


_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Template:
    path = tmp_path_factory.mktemp("tmpl") / "server.db"
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        w = world_mod.seed(s)
    db.close()          # the last connection to close checkpoints the WAL into the file
    assert not path.with_name("server.db-wal").exists()
    return Template(str(path), w)


@pytest.fixture(scope="session")
def pg_template(pg_cluster) -> Template:
    url = pg_cluster.create_database("fs_template")
    db = Database(url)
    with db.session() as s:
        w = world_mod.seed(s)
    db.close()
    return Template("fs_template", w)


@dataclass
class Live:
    url: str
    db: Database
    world: world_mod.World
    data_dir: Path
    running: RunningServer
    backend: str

    def client(self, username: str | None = None, token: str | None = None, **kw) -> httpx.Client:
        token = token or (self.world.tokens[username] if username else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=20, **kw)


def make_database(backend: str, request, tmp_path: Path) -> tuple[str, world_mod.World]:
    if backend == "sqlite":
        tmpl = request.getfixturevalue("sqlite_template")
        target = tmp_path / "server.db"
        shutil.copyfile(tmpl.url, target)
        return f"sqlite:///{target}", tmpl.world
    tmpl = request.getfixturevalue("pg_template")
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"fs_test_{next(_counter)}", template=tmpl.url), tmpl.world


def start_live(backend: str, request, tmp_path: Path) -> Live:
    url, world = make_database(backend, request, tmp_path)
    settings = settings_for(tmp_path / "server-data", url)
    db = Database(url)
    running = start_in_thread(create_app(settings, db))
    return Live(running.url, db, world, settings.data_dir, running, backend)


@pytest.fixture(params=BACKENDS)
def live(request, tmp_path):
    srv = start_live(request.param, request, tmp_path)
    yield srv
    srv.running.stop()
    srv.db.close()


@pytest.fixture
def live_sqlite(request, tmp_path):
    srv = start_live("sqlite", request, tmp_path)
    yield srv
    srv.running.stop()
    srv.db.close()


def pytest_collection_modifyitems(config, items):
    """The 500-schedule run is slow-marked and runs only when asked for
    (`pytest -m slow tests/sync`); the default run keeps the 100 schedules."""
    if config.getoption("-m"):
        return
    here = Path(__file__).parent
    slow = [i for i in items if i.get_closest_marker("slow") and here in Path(str(i.fspath)).parents]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [i for i in items if i not in slow]
