"""The API's route class: a handler's unit of work ends in the handler's
own thread.

FastAPI runs a sync handler in one trip to the request threads (4 per
worker, app.py) and then, to validate its response model, takes a second
trip; a dependency's teardown comes only after that. Had the transaction
that `allow(Perm.X)` opens (auth/permissions.py) stayed open until the
teardown, each request would hold a pooled connection (on SQLite: the
write lock, BEGIN IMMEDIATE) while it waited for a thread, and with more
requests at once than the pool holds, the threads, busy authenticating the
next requests, would wait for a connection the waiting requests hold: the
worker stalls until the pool's 30 s timeout and answers 500s. So the
transaction is committed as the handler returns, in its thread; an error
still rolls it back in the teardown."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from fastapi import APIRouter
from fastapi.routing import APIRoute

from sync.server.auth.permissions import Ctx


def _ends_in_its_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint):
        return endpoint               # async handlers hold no Ctx across awaits (blobs.routes.upload)

    @functools.wraps(endpoint)        # FastAPI reads the signature through __wrapped__
    def run(*args, **kwargs):
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Ctx):
                value.finish()
        return result
    return run


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs):
        super().__init__(path, _ends_in_its_thread(endpoint), **kwargs)


def api_router(**kwargs) -> APIRouter:
    """APIRouter for /v1 routes."""
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)
