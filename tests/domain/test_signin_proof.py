"""The sign-in proof binds the user name, the laptop's key and a time
within ten minutes of the server's."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.domain import signin_proof
from app.domain.seal_payload import KeySigner

NOW = datetime(2022, 11, 15, 10, 0, tzinfo=timezone.utc)


def test_a_proof_holds_for_its_user_key_and_time_only():
    key = KeySigner()
    stamp, sig = signin_proof.make(key, "Zhang", NOW)
    at = datetime.fromisoformat(stamp)
    pub = key.public_key_bytes()
    assert signin_proof.verify(pub, "zhang", at, sig, NOW + timedelta(minutes=9))
    assert not signin_proof.verify(pub, "li", at, sig, NOW)
    assert not signin_proof.verify(KeySigner().public_key_bytes(), "zhang", at, sig, NOW)
    assert not signin_proof.verify(pub, "zhang", at, sig, NOW + timedelta(minutes=11))      # stale
    assert not signin_proof.verify(pub, "zhang", at, sig, NOW - timedelta(minutes=11))      # from the future
    assert not signin_proof.verify(pub, "zhang", at + timedelta(seconds=1), sig, NOW)
    assert not signin_proof.verify(pub, "zhang", at.replace(tzinfo=None), sig, NOW)
    assert not signin_proof.verify(pub, "zhang", at, "not base64", NOW)
