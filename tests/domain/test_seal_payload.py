"""Signed seal payloads: round trip, tamper detection, key mismatch, size."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from app.domain.seal_payload import (KeySigner, SealPayload, SealPayloadError, decode, encode, key_id,
                                     payload_for_seal, verify)
from app.domain.visit import SampleKind, Seal, Visit

TZ = timezone(timedelta(hours=8))
BASE = SealPayload(seal_no="SX0018-B2", record_id="36fcd309-9195-575b-b128-275faf298042",
                   kind=SampleKind.BACKUP, sealed_at=datetime(2022, 10, 12, 10, 35, 7, tzinfo=TZ),
                   hash_prefix="89f46bf51aab1d24", package_no=2, on_site_storage=True)


@pytest.fixture(scope="module")
def signer():
    return KeySigner()


def test_round_trip(signer):
    text = encode(BASE, signer)
    assert text.startswith("FS") and text[2:].isdigit()
    got = verify(text, [signer.public_key_bytes()])
    assert got == replace(BASE, key_id=key_id(signer.public_key_bytes()))
    assert got.sealed_at == BASE.sealed_at


def test_non_uuid_record_id_and_test_kind(signer):
    p = replace(BASE, record_id="visit-17", kind=SampleKind.TEST, package_no=1, on_site_storage=False)
    got = verify(encode(p, signer), signer.public_key_bytes())
    assert (got.record_id, got.kind, got.package_no, got.on_site_storage) == ("visit-17", SampleKind.TEST, 1, False)


def test_every_single_digit_change_is_refused(signer):
    text = encode(BASE, signer)
    key = [signer.public_key_bytes()]
    for i in range(2, len(text)):
        altered = text[:i] + str((int(text[i]) + 7) % 10) + text[i + 1:]
        with pytest.raises(SealPayloadError):
            verify(altered, key)


def test_swapped_field_with_valid_layout_fails_signature(signer):
    """A forger re-packs the body (another seal number) but cannot re-sign."""
    text = encode(BASE, signer)
    _payload, body, sig = decode(text)
    forged_body = body.replace(b"SX0018-B2", b"SX0018-B9")
    forged = "FS" + str(int.from_bytes(b"\x01" + forged_body + sig, "big"))
    with pytest.raises(SealPayloadError) as e:
        verify(forged, [signer.public_key_bytes()])
    assert e.value.reason == "bad_signature"


def test_other_key(signer):
    other = KeySigner()
    text = encode(BASE, other)
    with pytest.raises(SealPayloadError) as e:
        verify(text, [signer.public_key_bytes()])
    assert e.value.reason == "unknown_key"
    assert "未知设备密钥" in str(e.value)
    # a forger who copies the registered key id but signs with its own key
    _p, body, _sig = decode(text)
    body = body[:6] + bytes.fromhex(key_id(signer.public_key_bytes())) + body[10:]
    forged = "FS" + str(int.from_bytes(b"\x01" + body + other.sign(b"FS-SEAL" + body), "big"))
    with pytest.raises(SealPayloadError) as e:
        verify(forged, [signer.public_key_bytes()])
    assert e.value.reason == "bad_signature"


@pytest.mark.parametrize("text", ["", "hello", "FS", "FS12x", "FS0", "FS1234567890"])
def test_garbage_is_malformed(text, signer):
    with pytest.raises(SealPayloadError) as e:
        verify(text, [signer.public_key_bytes()])
    assert e.value.reason == "malformed"


def test_payload_for_seal_needs_sealing_time():
    visit = Visit(id="v1", record_no="R1")
    with pytest.raises(ValueError):
        payload_for_seal(visit, Seal(id="s", seal_no="S1", kind=SampleKind.TEST), "ab" * 32)
    sealed = Seal(id="s", seal_no="S1", kind=SampleKind.TEST, sealed_at=datetime(2022, 10, 12, tzinfo=TZ))
    assert payload_for_seal(visit, sealed, "ab" * 32).hash_prefix == "ab" * 8


def test_size_fits_small_qr(signer):
    """~115 bytes signed; must stay in QR version 7-M (see forms/qr.py)."""
    import qrcode
    text = encode(BASE, signer)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text, optimize=8)
    qr.make(fit=True)
    assert qr.version <= 7, (qr.version, len(text))


def test_naive_time_refused(signer):
    with pytest.raises(ValueError):
        encode(replace(BASE, sealed_at=datetime(2022, 10, 12)), signer)
