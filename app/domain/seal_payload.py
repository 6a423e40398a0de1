"""Signed seal payloads: what the QR on a seal label carries.

The lab scans a seal and must tell, offline, whether the label was printed
by an enrolled device for this record, or forged / swapped. The payload is
signed with the device's Ed25519 key; verifying needs only the text and the
device's public key.

Size matters: the QR must read from a 25 mm square printed at 203 dpi, so
the fields are packed as bytes and written in decimal digits, which QR
stores in numeric mode at 10 bits per 3 digits (~1.003 bits per payload
bit; base32 in alphanumeric mode costs 1.1). A typical seal is ~115 bytes ->
QR version 7-M (45 modules, 0.5 mm modules at 4 printer dots).

Binary layout (big endian), signed as b"FS-SEAL" + body:
    version      1   (1)
    flags        1   bit0 backup sample, bit1 on-site storage (封存),
                     bits2-7 package number (1..63)
    sealed_at    4   unix seconds, UTC
    key_id       4   sha256(raw public key)[:4], to pick the key
    hash_prefix  8   first 8 bytes of the hash the seal vouches for
    record_id    1+n n bytes; the length byte's top bit marks a UUID (16 raw bytes)
    seal_no      1+n UTF-8
    signature    64  Ed25519
Text: "FS" + decimal digits of int(b"\\x01" + bytes) (the 0x01 keeps leading
zero bytes).
"""
from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.domain.i18n import N_, both
from app.domain.visit import SampleKind, Seal, Visit

VERSION = 1
PREFIX = "FS"
SIGNING_CONTEXT = b"FS-SEAL"
HASH_PREFIX_BYTES = 8
SIG_BYTES = 64
_HEAD = struct.Struct(">BBI4s8s")
_UUID_FLAG = 0x80
CORRUPT = N_("封条内容已损坏或被篡改")


class SealPayloadError(ValueError):
    """The payload is unreadable, altered, forged or from an unknown key.
    `reason` is a stable code; `zh`/`en` say it for people, str() both."""

    def __init__(self, reason: str, zh: str, en: str):
        super().__init__(zh if zh == en else f"{zh} ({en})")
        self.reason, self.zh, self.en = reason, zh, en


@dataclass(frozen=True)
class SealPayload:
    seal_no: str
    record_id: str                  # visit id (client id of the record)
    kind: SampleKind
    sealed_at: datetime             # timezone-aware; stored to the second
    hash_prefix: str                # hex, 16 chars: the sealing/record hash it vouches for
    package_no: int = 1
    on_site_storage: bool = False
    key_id: str = ""                # hex, 8 chars; set by encode()


class Signer(Protocol):
    def public_key_bytes(self) -> bytes: ...
    def sign(self, data: bytes) -> bytes: ...


class KeySigner:
    """An in-memory Ed25519 signer (demo data, tests). The device's real key
    is app.services.device_key.DeviceKey, kept in the OS keyring."""

    def __init__(self, private_key: Ed25519PrivateKey | None = None):
        self._key = private_key or Ed25519PrivateKey.generate()

    def public_key_bytes(self) -> bytes:
        return self._key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)


def key_id(public_key_raw: bytes) -> str:
    return hashlib.sha256(public_key_raw).digest()[:4].hex()


def payload_for_seal(visit: Visit, seal: Seal, vouched_hash: str) -> SealPayload:
    """The payload of one seal of a visit. vouched_hash is the hex hash the
    seal binds (the sealing hash, fixed when the labels are printed)."""
    if seal.sealed_at is None:
        raise ValueError(f"seal {seal.seal_no} has no sealing time")
    return SealPayload(seal_no=seal.seal_no, record_id=visit.id, kind=seal.kind,
                       sealed_at=seal.sealed_at, hash_prefix=vouched_hash[:HASH_PREFIX_BYTES * 2],
                       package_no=seal.package_no, on_site_storage=seal.on_site_storage)


def _short(data: bytes, what: str) -> bytes:
    if len(data) > 0x7F:
        raise ValueError(f"{what} too long for a seal payload ({len(data)} bytes)")
    return bytes([len(data)]) + data


def _pack_body(p: SealPayload, kid: bytes) -> bytes:
    if not 1 <= p.package_no <= 63:
        raise ValueError("package_no must be 1..63")
    if p.sealed_at.tzinfo is None:
        raise ValueError("sealed_at must be timezone-aware")
    flags = (p.kind == SampleKind.BACKUP) | (p.on_site_storage << 1) | (p.package_no << 2)
    head = _HEAD.pack(VERSION, flags, int(p.sealed_at.timestamp()), kid,
                      bytes.fromhex(p.hash_prefix))
    try:
        u = uuid.UUID(p.record_id)
        record = bytes([_UUID_FLAG | 16]) + u.bytes if str(u) == p.record_id.lower() else None
    except ValueError:
        record = None
    if record is None:
        record = _short(p.record_id.encode("utf-8"), "record id")
    return head + record + _short(p.seal_no.encode("utf-8"), "seal number")


def encode(payload: SealPayload, signer: Signer) -> str:
    """Sign the payload with signer and return the QR text."""
    kid = bytes.fromhex(key_id(signer.public_key_bytes()))
    body = _pack_body(payload, kid)
    data = body + signer.sign(SIGNING_CONTEXT + body)
    return PREFIX + str(int.from_bytes(b"\x01" + data, "big"))


def _fail(reason: str, text: str, **params: object) -> SealPayloadError:
    return SealPayloadError(reason, *both(text, **params))


def decode(text: str) -> tuple[SealPayload, bytes, bytes]:
    """Parse without verifying: (payload, signed body, signature)."""
    text = text.strip()
    if not text.startswith(PREFIX) or not text[len(PREFIX):].isdigit():
        raise _fail("malformed", N_("不是封条二维码内容"))
    n = int(text[len(PREFIX):])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    if not raw or raw[0] != 1:
        raise _fail("malformed", CORRUPT)
    raw = raw[1:]
    try:
        version, flags, ts, kid, prefix = _HEAD.unpack_from(raw)
        if version != VERSION:
            raise _fail("version", N_("不支持的封条版本 {version}"), version=version)
        pos = _HEAD.size
        rlen = raw[pos]
        if rlen & _UUID_FLAG:
            record_id = str(uuid.UUID(bytes=raw[pos + 1:pos + 17]))
            pos += 17
        else:
            record_id = raw[pos + 1:pos + 1 + rlen].decode("utf-8")
            pos += 1 + rlen
        slen = raw[pos]
        seal_no = raw[pos + 1:pos + 1 + slen].decode("utf-8")
        pos += 1 + slen
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as e:
        if isinstance(e, SealPayloadError):
            raise
        raise _fail("malformed", CORRUPT) from None
    body, signature = raw[:pos], raw[pos:]
    if len(signature) != SIG_BYTES or not 1 <= flags >> 2 <= 63:
        raise _fail("malformed", CORRUPT)
    payload = SealPayload(
        seal_no=seal_no, record_id=record_id,
        kind=SampleKind.BACKUP if flags & 1 else SampleKind.TEST,
        sealed_at=datetime.fromtimestamp(ts, timezone.utc), hash_prefix=prefix.hex(),
        package_no=flags >> 2, on_site_storage=bool(flags & 2), key_id=kid.hex())
    return payload, body, signature


def load_public_key(raw_or_key: bytes | Ed25519PublicKey) -> Ed25519PublicKey:
    if isinstance(raw_or_key, Ed25519PublicKey):
        return raw_or_key
    return Ed25519PublicKey.from_public_bytes(raw_or_key)


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify(text: str, public_keys) -> SealPayload:
    """Decode and check the signature against the matching key among
    public_keys (raw 32-byte keys or Ed25519PublicKey objects). Raises
    SealPayloadError with reason malformed / version / unknown_key / bad_signature."""
    payload, body, signature = decode(text)
    keys = [load_public_key(k) for k in
            (public_keys if isinstance(public_keys, (list, tuple, set)) else [public_keys])]
    matching = [k for k in keys if key_id(raw_public_key(k)) == payload.key_id]
    if not matching:
        raise _fail("unknown_key", N_("未知设备密钥 {key_id}：该设备未登记或标签为伪造"), key_id=payload.key_id)
    for k in matching:
        try:
            k.verify(signature, SIGNING_CONTEXT + body)
            return payload
        except InvalidSignature:
            continue
    raise _fail("bad_signature", N_("签名无效：封条内容被篡改或伪造"))
