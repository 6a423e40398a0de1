"""Proof, at sign-in, that the request comes from a laptop already enrolled
for this account: its device key signs the user name, its public key and
the time. The server lets such a sign-in through even while guesses by
someone else hold the account (sync/server/auth/throttle.py): an attacker
can lock out an address, not the sampler's own laptop.

Signed bytes: b"FS-SIGNIN\\x00" + lower-case user name + b"\\x00" + the 32-byte
public key + b"\\x00" + the signing time as ISO 8601 UTC, seconds."""
from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.domain.seal_payload import Signer

CONTEXT = b"FS-SIGNIN\x00"
MAX_AGE = timedelta(minutes=10)          # either way: laptop clocks drift


def _stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def signed_bytes(username: str, public_key_raw: bytes, at: datetime) -> bytes:
    return (CONTEXT + username.strip().lower().encode("utf-8") + b"\x00" + public_key_raw + b"\x00"
            + _stamp(at).encode("ascii"))


def make(signer: Signer, username: str, at: datetime) -> tuple[str, str]:
    """(signed_at, signature) for the enrollment request."""
    sig = signer.sign(signed_bytes(username, signer.public_key_bytes(), at))
    return _stamp(at), base64.b64encode(sig).decode("ascii")


def verify(public_key_raw: bytes, username: str, signed_at: datetime, signature_b64: str, now: datetime) -> bool:
    if signed_at.tzinfo is None or abs(now - signed_at) > MAX_AGE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(
            base64.b64decode(signature_b64, validate=True), signed_bytes(username, public_key_raw, signed_at))
        return True
    except (binascii.Error, ValueError, InvalidSignature):
        return False
