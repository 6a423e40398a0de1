"""The device's Ed25519 key (made at enrollment) that signs seal payloads.

The private key lives only in the OS keyring (Windows Credential Manager,
macOS Keychain, Secret Service); it is never written to disk, the database
or logs. The public key is exported for registration with the provincial
server, which hands it to the labs that verify seals.
"""
from __future__ import annotations

import base64

import keyring
import keyring.errors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.domain.i18n import tr
from app.domain.seal_payload import key_id

SERVICE = "field-sampler"
USERNAME = "device-ed25519"


class DeviceKeyError(RuntimeError):
    pass


class DeviceKey:
    """Signer for app.domain.seal_payload.encode. repr() never shows the key."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key

    def __repr__(self) -> str:
        return f"DeviceKey(key_id={self.key_id})"

    @classmethod
    def load(cls, service: str = SERVICE) -> "DeviceKey | None":
        try:
            secret = keyring.get_password(service, USERNAME)
        except keyring.errors.KeyringError:
            from app.services.keyring_setup import NO_KEYRING_MESSAGE
            raise DeviceKeyError(tr(NO_KEYRING_MESSAGE)) from None
        if secret is None:
            return None
        try:
            raw = base64.b64decode(secret, validate=True)
            return cls(Ed25519PrivateKey.from_private_bytes(raw))
        except ValueError:
            # Do not echo the stored value: it is a secret.
            raise DeviceKeyError(tr("钥匙串中的设备密钥已损坏")) from None

    @classmethod
    def load_or_create(cls, service: str = SERVICE) -> "DeviceKey":
        existing = cls.load(service)
        if existing is not None:
            return existing
        return cls.generate().store(service)

    @classmethod
    def generate(cls) -> "DeviceKey":
        """A new key in memory only (enrollment stores it once the server took it)."""
        return cls(Ed25519PrivateKey.generate())

    def store(self, service: str = SERVICE) -> "DeviceKey":
        """Put this key in the OS keyring (replacing any other) and read it back."""
        raw = self._key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                      serialization.NoEncryption())
        try:
            keyring.set_password(service, USERNAME, base64.b64encode(raw).decode("ascii"))
        except keyring.errors.KeyringError:
            from app.services.keyring_setup import NO_KEYRING_MESSAGE
            raise DeviceKeyError(tr(NO_KEYRING_MESSAGE)) from None
        # Read back: a keyring that silently drops writes must fail now, not
        # after labels were printed with a key nobody can register.
        stored = type(self).load(service)
        if stored is None or stored.public_key_bytes() != self.public_key_bytes():
            raise DeviceKeyError(tr("无法保存设备密钥到系统钥匙串"))
        return stored

    @staticmethod
    def delete(service: str = SERVICE) -> None:
        """Forget the key (device re-enrollment)."""
        keyring.delete_password(service, USERNAME)

    def public_key_bytes(self) -> bytes:
        return self._key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)

    def public_key_b64(self) -> str:
        """What enrollment sends to the server."""
        return base64.b64encode(self.public_key_bytes()).decode("ascii")

    def public_key_pem(self) -> str:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    @property
    def key_id(self) -> str:
        return key_id(self.public_key_bytes())

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)
