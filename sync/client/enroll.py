"""Enrollment: the sampler signs in once; the device gets its token (kept in
the OS keyring) and registers its Ed25519 public key with the server. A real
installation enrolls with a one-time code from an admin too
(enroll_with_code), after checking that the address is our server
(check_server)."""
from __future__ import annotations

import base64
import platform
from dataclasses import dataclass
from datetime import datetime, timezone

from app.domain import signin_proof
from app.domain.seal_payload import Signer
from sync.client import credentials
from urllib.parse import urlsplit

import httpx

from sync.client.errors import AuthError, ServerRefused, SyncError, TransientError, UpgradeRequired
from sync.client.transport import RetryPolicy, Timeouts, Transport, our_body, raise_upgrade
from sync.protocol.enrollment import UPGRADE_STATUS, AppReleaseOut
from sync.protocol.schemas import EnrollResponse, UserOut


@dataclass
class Enrollment:
    server_url: str
    device_id: str
    user: UserOut


def enroll(server_url: str, username: str, password: str, public_key: bytes, *,
           device_name: str = "", retry: RetryPolicy | None = None, signer: Signer | None = None) -> Enrollment:
    """public_key: the 32 raw bytes of the device's Ed25519 public key
    (app.services.device_key exports it). signer: that key; a laptop that
    enrolled with it before proves so (app.domain.signin_proof), and is let
    in even while someone else's guesses hold the account. Raises AuthError
    on a wrong password (its zh/en text says so) and ServerRefused when
    rate-limited."""
    request = {"username": username, "password": password, "device_name": device_name or platform.node()[:100],
               "public_key": base64.b64encode(public_key).decode("ascii")}
    if signer is not None and signer.public_key_bytes() == public_key:
        request["proof_signed_at"], request["proof"] = signin_proof.make(signer, username, datetime.now(timezone.utc))
    t = Transport(server_url, retry=retry or RetryPolicy(attempts=3))
    try:
        status, body = t.call("POST", "/v1/auth/enroll", json=request)
    finally:
        t.close()
    if status != 201:
        raise ServerRefused(status, body)
    resp = EnrollResponse.model_validate(body)
    credentials.save_token(server_url, resp.token)
    return Enrollment(server_url=server_url, device_id=resp.device_id, user=resp.user)


@dataclass
class CodeEnrollment(Enrollment):
    token: str = ""       # for the caller to keep in the keyring, or to revoke if it cannot


def enroll_with_code(server_url: str, code: str, username: str, password: str, public_key: bytes, *,
                     device_name: str = "", retry: RetryPolicy | None = None) -> CodeEnrollment:
    """Enroll with a one-time code. Stores nothing: the caller keeps the
    token and the key only once both can be kept (app.services.enrollment).
    Raises AuthError (wrong password), ServerRefused (code refused: its
    code names why; 429), TransientError, UpgradeRequired."""
    t = Transport(server_url, retry=retry or RetryPolicy(attempts=2, base_s=0.3))
    try:
        status, body = t.call("POST", "/v1/auth/enroll-code", json={
            "code": code, "username": username, "password": password,
            "device_name": device_name or platform.node()[:100],
            "public_key": base64.b64encode(public_key).decode("ascii")})
    finally:
        t.close()
    if status != 201:
        raise ServerRefused(status, body)
    resp = EnrollResponse.model_validate(body)
    return CodeEnrollment(server_url=server_url, device_id=resp.device_id, user=resp.user, token=resp.token)


def revoke_self(server_url: str, device_id: str, token: str) -> bool:
    """Undo an enrollment whose token could not be kept (best effort)."""
    t = Transport(server_url, token, retry=RetryPolicy(attempts=2, base_s=0.2))
    try:
        t.call("POST", f"/v1/devices/{device_id}/revoke")
        return True
    except SyncError:
        return False
    finally:
        t.close()


class AddressError(SyncError):
    """The server address is malformed, unreachable, or not our server."""


def address_problem(server_url: str) -> str:
    """'' when the address looks like one, else why not (an error code)."""
    parts = urlsplit(server_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in server_url:
        return "address.invalid"
    try:
        parts.port
    except ValueError:
        return "address.invalid"
    return ""


def check_server(server_url: str, *, timeout_s: float = 5.0) -> AppReleaseOut:
    """Is this our server, reachable, and does it still answer this app?
    Returns the release it publishes. Raises AddressError (codes
    address.invalid, address.unreachable, address.not_ours) or UpgradeRequired."""
    problem = address_problem(server_url)
    if problem:
        raise AddressError(problem, code=problem)
    t = Transport(server_url, timeouts=Timeouts(connect_s=timeout_s, read_s=timeout_s))
    try:
        try:
            health = t.client.get("/v1/health")
            if health.status_code == UPGRADE_STATUS:
                raise_upgrade(health)
            if health.status_code != 200 or our_body(health) is None:
                raise AddressError(f"HTTP {health.status_code}", code="address.not_ours")
            rel = t.client.get("/v1/app/release")
            body = our_body(rel) if rel.status_code == 200 else None
        except httpx.HTTPError as e:
            raise AddressError(f"{type(e).__name__}: {e}", code="address.unreachable") from e
    finally:
        t.close()
    # a server from before app releases were published answers 404: no release
    return AppReleaseOut.model_validate(body) if body else AppReleaseOut()


def latest_release(server_url: str, *, timeout_s: float = 5.0) -> AppReleaseOut | None:
    """The published release, or None when the server cannot be asked now."""
    try:
        return check_server(server_url, timeout_s=timeout_s)
    except (AddressError, UpgradeRequired, TransientError):
        return None


__all__ = ["Enrollment", "CodeEnrollment", "enroll", "enroll_with_code", "check_server", "AddressError",
           "AuthError"]
