"""Request plumbing shared by the route modules: the bearer token, the
transaction, the client's address. Who may call what is declared in
auth/permissions.py (`allow(Perm.X)`), which builds on these."""
from __future__ import annotations

import ipaddress
from contextlib import contextmanager
from typing import Annotated, Iterator, Union

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync.server.errors import ApiError

IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
bearer = HTTPBearer(auto_error=False, description="Device token (enroll) or session token (login)")


def _present(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]):
    """No token at all: 401 before the body is even validated (the token
    itself is checked by auth.permissions.allow, against the database)."""
    if credentials is None:
        raise ApiError(401, "auth.token_missing", headers={"WWW-Authenticate": "Bearer"})
    return credentials


Token = Annotated[HTTPAuthorizationCredentials | None, Depends(_present)]


@contextmanager
def tx(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


def parse_proxies(text: str) -> tuple[IPNetwork, ...]:
    """'127.0.0.1, 10.0.0.0/8' -> networks; ValueError names a bad entry."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                out.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"not an IP address or network: {part!r}") from None
    return tuple(out)


def _trusted(address: str, proxies: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request) -> str:
    """The caller's address: the connection's, or, when the connection
    comes from a configured proxy, the last X-Forwarded-For hop that is not
    itself a trusted proxy (the hops left of it are whatever the client
    wrote). uvicorn's own proxy handling is off (runner.py): it would
    believe the header from 127.0.0.1."""
    peer = request.client.host if request.client else "?"
    proxies = getattr(request.app.state, "trusted_proxies", ())
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer          # not an address: the proxy's word is unusable
    return hops[0] if hops else peer
