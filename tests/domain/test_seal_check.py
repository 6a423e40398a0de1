"""The lab's verdict on one seal, as plain functions: signature against the
registered keys (forged, unknown, revoked before or after the seal), then
the match with the record (swapped, re-printed, pending) and earlier
receipts (duplicate)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain.seal_check import (RED, DeviceKey, Finding, RecordSeals, check_signature, form_qr_visit, match)
from app.domain.seal_payload import KeySigner, SealPayload, SealPayloadError, encode
from app.domain.visit import SampleKind

T = datetime(2022, 11, 14, 3, 0, tzinfo=timezone.utc)
HASH = "ab" * 32
VISIT = "8f0c6d2e-3b1a-4c7d-9e5f-1a2b3c4d5e6f"
SIGNER = KeySigner()
PAYLOAD = SealPayload(seal_no="SX0018-J1", record_id=VISIT, kind=SampleKind.TEST, sealed_at=T, hash_prefix=HASH[:16])
RECORD = RecordSeals(visit_id=VISIT, record_no="SX2022-4-0018", agency_id="a1", sealing_hash=HASH,
                     seals={"SX0018-J1": (SampleKind.TEST, 1), "SX0018-B1": (SampleKind.BACKUP, 1)})


def key(revoked_at=None, signer=SIGNER) -> DeviceKey:
    return DeviceKey("d1", signer.public_key_bytes(), "a1", revoked_at)


def test_a_genuine_seal_of_its_record_has_no_findings():
    v = match(check_signature(encode(PAYLOAD, SIGNER), [key()]), record=RECORD, lab_agency_id="a1")
    assert v.findings == [] and v.device.device_id == "d1" and not v.red


def test_signature_findings():
    other = KeySigner()
    assert check_signature(encode(PAYLOAD, other), []).findings == [Finding.UNKNOWN_DEVICE]
    forged = check_signature(encode(PAYLOAD, other), [DeviceKey("d1", SIGNER.public_key_bytes(), "a1")])
    assert forged.findings == [Finding.FORGED] and forged.device is None
    later = check_signature(encode(PAYLOAD, SIGNER), [key(revoked_at=T + timedelta(days=2))])
    assert later.findings == [Finding.REVOKED_LATER] and not later.red
    after = check_signature(encode(PAYLOAD, SIGNER), [key(revoked_at=T - timedelta(minutes=1))])
    assert after.findings == [Finding.SIGNED_AFTER_REVOCATION] and after.red
    with pytest.raises(SealPayloadError):
        check_signature("FS123", [key()])


def test_match_findings():
    text = encode(PAYLOAD, SIGNER)

    def findings(**kw):
        kw.setdefault("record", RECORD)
        kw.setdefault("lab_agency_id", "a1")
        return match(check_signature(text, [key()]), **kw).findings
    assert findings(record=None) == [Finding.RECORD_PENDING]
    assert findings(expected_visit_id="another-visit") == [Finding.SWAPPED]
    assert findings(record=RecordSeals(VISIT, "N", "a1", HASH, {"SX0018-J1": (SampleKind.BACKUP, 1)})) == \
        [Finding.SWAPPED]
    assert findings(record=RecordSeals(VISIT, "N", "a1", HASH, {})) == [Finding.SWAPPED]
    assert findings(record=RecordSeals(VISIT, "N", "a1", "cd" * 32, RECORD.seals)) == [Finding.REPRINTED]
    assert findings(earlier=T + timedelta(days=1)) == [Finding.DUPLICATE]
    assert findings(lab_agency_id="a2") == [Finding.OTHER_AGENCY]
    assert {Finding.SWAPPED, Finding.REPRINTED, Finding.DUPLICATE, Finding.FORGED, Finding.UNKNOWN_DEVICE,
            Finding.SIGNED_AFTER_REVOCATION} <= RED


def test_the_sampling_forms_qr_names_its_visit():
    assert form_qr_visit(f"FSR1:{VISIT}:{HASH}") == VISIT
    assert form_qr_visit("FS1234") is None
