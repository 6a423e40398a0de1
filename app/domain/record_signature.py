"""The device's signature over a record's hash (or an amendment's): proof
that the record was sent from an enrolled laptop, as the seal QR is proof of
the seal. Same Ed25519 key as the seals (app.services.device_key), its own
context so a record signature can never pass for a seal's or vice versa.

Signed bytes: b"FS-RECORD\\x00" + kind + b"\\x00" + the 32 raw bytes of the
SHA-256 (the canonical hash of the document, app.domain.canonical), kind
being "record" or "amendment". The wire carries the 64-byte signature in
base64."""
from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.domain.seal_payload import Signer

CONTEXT = b"FS-RECORD\x00"
KINDS = ("record", "amendment")


def signed_bytes(kind: str, record_hash: str) -> bytes:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    digest = bytes.fromhex(record_hash)
    if len(digest) != 32:
        raise ValueError("record_hash must be a hex SHA-256")
    return CONTEXT + kind.encode("ascii") + b"\x00" + digest


def sign(signer: Signer, kind: str, record_hash: str) -> str:
    return base64.b64encode(signer.sign(signed_bytes(kind, record_hash))).decode("ascii")


def verify(public_key_raw: bytes, kind: str, record_hash: str, signature_b64: str) -> bool:
    """True only for a well-formed signature by this key over this hash."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key = Ed25519PublicKey.from_public_bytes(public_key_raw)
        key.verify(signature, signed_bytes(kind, record_hash))
        return True
    except (binascii.Error, ValueError, InvalidSignature):
        return False
