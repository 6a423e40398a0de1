"""Request plumbing shared by the route modules: the bearer token, a unit of
work that authenticates it, and the role check.

Handlers open the transaction themselves (`with unit(...)`) so the commit
happens before the reply is written: a client that gets a success answer
knows the server has the data."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync.server.devices import service as devices
from sync.server.devices.service import Principal
from sync.server.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="Device token (enroll) or session token (login)")


def _present(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]):
    """No token at all: 401 before the body is even validated (the token
    itself is checked in `unit`, against the database)."""
    if credentials is None:
        raise ApiError(401, "auth.token_missing", headers={"WWW-Authenticate": "Bearer"})
    return credentials


Token = Annotated[HTTPAuthorizationCredentials | None, Depends(_present)]


@contextmanager
def tx(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


@contextmanager
def unit(request: Request, token: HTTPAuthorizationCredentials | None,
         *roles: str) -> Iterator[tuple[Session, Principal]]:
    with tx(request) as session:
        principal = devices.authenticate(session=session, token=token.credentials if token else None)
        if roles and principal.user.role not in roles:
            raise ApiError(403, "auth.forbidden")
        yield session, principal


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


ADMINS = ("agency_admin", "provincial_admin")
