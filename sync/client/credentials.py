"""The device token in the OS keyring, never in the database or a file."""
from __future__ import annotations

import keyring

SERVICE = "field-sampler"


def _key(server_url: str) -> str:
    return f"sync-token:{server_url.rstrip('/')}"


def save_token(server_url: str, token: str) -> None:
    keyring.set_password(SERVICE, _key(server_url), token)


def load_token(server_url: str) -> str | None:
    return keyring.get_password(SERVICE, _key(server_url))


def forget_token(server_url: str) -> None:
    try:
        keyring.delete_password(SERVICE, _key(server_url))
    except keyring.errors.PasswordDeleteError:
        pass
