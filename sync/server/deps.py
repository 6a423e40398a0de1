"""Request plumbing shared by the route modules: the bearer token, the
transaction, the client's address. Who may call what is declared in
auth/permissions.py (`allow(Perm.X)`), which builds on these."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

bearer = HTTPBearer(auto_error=False, description="Device token (enroll) or session token (login)")
Token = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@contextmanager
def tx(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"
