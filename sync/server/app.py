"""The provincial server's FastAPI application."""
from __future__ import annotations

import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request

from sync.protocol.messages import problem
from sync.protocol.schemas import Health
from sync.server import console, envelope, errors
from sync.server.audit.routes import router as audit_router
from sync.server.auth.throttle import Limits, Throttle
from sync.server.auth.routes import router as auth_router
from sync.server.blobs.routes import router as blobs_router
from sync.server.blobs import gc
from sync.server.blobs.backends import open_store
from sync.server.bodylimit import BodyLimit
from sync.server.config import Settings
from sync.server.db import Database, utcnow
from sync.server.deps import parse_proxies
from sync.server.devices.routes import router as devices_router
from sync.server.enrollment.routes import router as enrollment_router
from sync.server.exchange.routes import router as exchange_router
from sync.server.lab.routes import router as lab_router
from sync.server.pull.routes import router as pull_router
from sync.server.records.routes import router as records_router
from sync.server.releases.protocol import ProtocolCheck
from sync.server.releases.routes import router as releases_router
from sync.server.tasks.routes import router as tasks_router

log = logging.getLogger("field_sampler.server")


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Few request threads: beyond a handful they only fight over the GIL
        # and the locked rows (a plan item's quota), and every reply is later.
        # With an object store, a request thread mostly waits for the store's
        # reply over the network, so more of them keep the worker busy.
        threads = settings.request_threads or (16 if getattr(app.state.blobs, "remote", False) else 4)
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        scheduler = gc.Scheduler(app.state.db, app.state.blobs, settings)
        scheduler.start()
        yield
        scheduler.stop()

    app = FastAPI(title="Field Sampler provincial server (抽样助手省级服务器)", version="1",  # i18n: name in both
                  description="Sync protocols fs-sync/1 and fs-sync/2 (the exchange, POST /v1/sync): "
                              "see sync/PROTOCOL.md", lifespan=lifespan)
    app.state.settings = settings
    app.state.db = db or Database(settings.db_url)
    app.state.blobs = open_store(settings, app.state.db)
    app.state.throttle = Throttle(Limits(
        per_pair=settings.login_max_failures, per_address=settings.login_address_failures,
        per_account=settings.login_account_failures, backoff_s=settings.login_window_s,
        backoff_max_s=settings.login_backoff_max_s))
    app.state.trusted_proxies = parse_proxies(settings.trusted_proxies)
    app.state.clock = utcnow          # the lab's deadlines read the time here; tests set their own
    errors.install(app)
    envelope.install(app)
    app.add_middleware(BodyLimit, blob_limit=settings.max_blob_bytes)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception):
        log.exception("unhandled error", exc_info=exc)
        return errors.error_response(500, problem("server.error"))

    @app.get("/v1/health", response_model=Health, tags=["meta"], summary="Liveness and server clock",
             responses=envelope.COMMON_RESPONSES)
    def health():
        return Health(server_time=utcnow(), protocols=list(settings.protocols))

    for router in (auth_router, devices_router, pull_router, records_router, blobs_router, tasks_router,
                   audit_router, enrollment_router, releases_router, lab_router, exchange_router):
        app.include_router(router, responses=envelope.COMMON_RESPONSES)
    console.install(app)
    app.add_middleware(ProtocolCheck, supported=settings.protocols, release=lambda: _release(app))
    return app


def _release(app: FastAPI):
    from sync.server.releases import service
    with app.state.db.session() as session:
        row = service.current(session=session)
        return (row.version, row.download_url) if row else None


SETTINGS_ENV = "FIELD_SAMPLER_SERVER_SETTINGS"


def settings_to_env(settings: Settings) -> str:
    return json.dumps({k: str(v) if k == "data_dir" else v for k, v in asdict(settings).items()})


def app_from_env() -> FastAPI:
    """The app of one worker process of a multi-process `serve`: settings
    from the environment, the database already migrated by the parent."""
    data = json.loads(os.environ[SETTINGS_ENV])
    settings = Settings(**{**data, "data_dir": Path(data["data_dir"]), "protocols": tuple(data["protocols"])})
    return create_app(settings, Database(settings.db_url, run_migrations=False))
