"""The device key lives in the OS keyring: here a real KeyringBackend kept
in memory, so the test never touches the developer's keyring."""
from __future__ import annotations

import keyring
import pytest

from app.domain.seal_payload import SealPayloadError, decode, encode, verify
from app.services.keyring_setup import MemoryKeyring
from app.services.device_key import SERVICE, USERNAME, DeviceKey, DeviceKeyError
from tests.domain.test_seal_payload import BASE


@pytest.fixture()
def ring(memory_keyring):
    return memory_keyring


def test_created_once_then_loaded(ring):
    assert DeviceKey.load() is None
    first = DeviceKey.load_or_create()
    assert list(ring.store) == [(SERVICE, USERNAME)]
    again = DeviceKey.load_or_create()
    assert again.public_key_bytes() == first.public_key_bytes()


def test_signs_seals_that_verify_with_the_exported_public_key(ring):
    import base64
    key = DeviceKey.load_or_create()
    text = encode(BASE, key)
    registered = base64.b64decode(key.public_key_b64())     # what the server receives
    assert verify(text, [registered]).seal_no == BASE.seal_no
    assert decode(text)[0].key_id == key.key_id
    assert "BEGIN PUBLIC KEY" in key.public_key_pem()


def test_secret_is_not_shown(ring):
    key = DeviceKey.load_or_create()
    secret = ring.store[(SERVICE, USERNAME)]
    assert secret not in repr(key) and secret not in key.public_key_pem()


def test_reenrollment_gives_a_new_key_and_old_seals_become_unknown(ring):
    old = DeviceKey.load_or_create()
    text = encode(BASE, old)
    DeviceKey.delete()
    new = DeviceKey.load_or_create()
    assert new.public_key_bytes() != old.public_key_bytes()
    with pytest.raises(SealPayloadError):
        verify(text, [new.public_key_bytes()])


def test_corrupt_keyring_entry(ring):
    ring.set_password(SERVICE, USERNAME, "not base64!!")
    with pytest.raises(DeviceKeyError) as e:
        DeviceKey.load()
    assert "not base64" not in str(e.value)


def test_no_os_keyring_gives_a_message_the_sampler_can_act_on():
    import keyring
    from keyring.backends import fail
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(DeviceKeyError) as e:
            DeviceKey.load_or_create()
        assert "未找到系统密钥环" in str(e.value) and "gnome-keyring" in str(e.value)
    finally:
        keyring.set_keyring(previous)
