"""Enrollment: the sampler signs in once; the device gets its token (kept in
the OS keyring) and registers its Ed25519 public key with the server."""
from __future__ import annotations

import base64
import platform
from dataclasses import dataclass
from datetime import datetime, timezone

from app.domain import signin_proof
from app.domain.seal_payload import Signer
from sync.client import credentials
from sync.client.errors import AuthError, ServerRefused
from sync.client.transport import RetryPolicy, Transport
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


__all__ = ["Enrollment", "enroll", "AuthError"]
