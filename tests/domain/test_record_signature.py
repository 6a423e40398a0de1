"""The record signature binds the device key, the kind and the hash, and
cannot be taken for a seal's signature (or a seal's for a record's)."""
from __future__ import annotations

import hashlib

import pytest

from app.domain import record_signature, seal_payload
from app.domain.seal_payload import KeySigner

H = hashlib.sha256(b"record").hexdigest()


def test_a_signature_verifies_only_for_its_key_kind_and_hash():
    key, other = KeySigner(), KeySigner()
    sig = record_signature.sign(key, "record", H)
    pub = key.public_key_bytes()
    assert record_signature.verify(pub, "record", H, sig)
    assert not record_signature.verify(other.public_key_bytes(), "record", H, sig)
    assert not record_signature.verify(pub, "amendment", H, sig)
    assert not record_signature.verify(pub, "record", hashlib.sha256(b"other").hexdigest(), sig)
    for junk in ("", "!!", "AAAA", sig[:-4] + "AAAA"):
        assert not record_signature.verify(pub, "record", H, junk)
    assert not record_signature.verify(b"short", "record", H, sig)
    with pytest.raises(ValueError):
        record_signature.signed_bytes("seal", H)
    with pytest.raises(ValueError):
        record_signature.signed_bytes("record", "abc")


def test_record_and_seal_signatures_have_separate_contexts():
    key = KeySigner()
    raw = key.sign(seal_payload.SIGNING_CONTEXT + record_signature.signed_bytes("record", H)[len(record_signature.CONTEXT):])
    import base64
    assert not record_signature.verify(key.public_key_bytes(), "record", H, base64.b64encode(raw).decode())
    assert record_signature.CONTEXT != seal_payload.SIGNING_CONTEXT
