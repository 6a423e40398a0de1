"""The provincial web console under /console/: server-rendered pages over
the same per-domain services as the API (see access.py for who sees what).

Pages live in console/pages/, one module per area, each with its router;
templates and static assets (our own CSS and JS; no CDN) beside them."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from sync.server import envelope
from sync.server.console.access import PageError, lab_may
from sync.server.console.session import COOKIE, SessionEnded
from sync.server.console.web import HERE, env, render

PREFIX = "/console"


def _routers():
    from sync.server.console.pages import (audit, dashboard, devices, enrollment, exports, followups, parties,
                                           people, records, signin, tasks)
    return (signin.router, dashboard.router, records.router, tasks.router, parties.router, exports.router,
            people.router, devices.router, enrollment.router, followups.router, audit.router) + _lab_routers()


def _lab_routers():
    from sync.server.console.pages import lab_bench, lab_disposal, lab_receive, lab_results, lab_samples
    return (lab_samples.router, lab_receive.router, lab_bench.router, lab_results.router, lab_disposal.router)


def install(app: FastAPI) -> None:
    env.globals["lab_may"] = lab_may            # the lab's menu follows the permission table
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="console-static")
    for router in _routers():
        app.include_router(router)

    @app.exception_handler(SessionEnded)
    async def _sign_in_first(request: Request, exc: SessionEnded):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = PREFIX + "/"
        url = f"{PREFIX}/signin?next={quote(target, safe='')}" + ("&expired=1" if exc.expired else "")
        response = RedirectResponse(url, status_code=303)
        if exc.expired:
            response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError):
        user = getattr(request.state, "console_user", None)
        return render(request, "error.html", user, status=exc.status, key=exc.key)

    @app.exception_handler(RequestValidationError)
    async def _bad_input(request: Request, exc: RequestValidationError):
        # A console page's query outside its type (?page=abc) is a page in
        # the reader's language, not the API's JSON problem list.
        if not request.url.path.startswith(PREFIX + "/"):
            return envelope.validation_response(list(exc.errors()))
        user = getattr(request.state, "console_user", None)
        return render(request, "error.html", user, status=400, key="error.input")
