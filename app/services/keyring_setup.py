"""Choosing where secrets live. Normally the OS keyring (Windows Credential
Manager, macOS Keychain, Secret Service on Linux). The demo (`make run`) on a
machine without one uses a process-memory keyring: the demo device key and
token then last one run and never touch the disk."""
from __future__ import annotations

import keyring
from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from app.domain.i18n import N_, tr

NO_KEYRING_MESSAGE = N_("未找到系统密钥环，无法安全保存设备密钥。Windows 请使用系统凭据管理器；"
                        "Linux 请安装并启用 gnome-keyring 或 KWallet。")


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in this process only. Never
    chosen by keyring's automatic discovery (it looks at every subclass): an
    unviable priority keeps it out; it is only ever set explicitly."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("MemoryKeyring is set explicitly, never discovered")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def os_keyring_available() -> bool:
    backend = keyring.get_keyring()
    if isinstance(backend, MemoryKeyring):
        return True            # set explicitly (demo, tests)
    try:
        from keyring.backends import fail
        if isinstance(backend, fail.Keyring):
            return False
        from keyring.backends.chainer import ChainerBackend
        if isinstance(backend, ChainerBackend) and not backend.backends:
            return False
    except ImportError:
        pass
    try:
        return backend.priority > 0
    except Exception:
        return False


def ensure_keyring(*, demo: bool) -> bool:
    """True if the OS keyring is used; in demo mode falls back to memory,
    otherwise raises RuntimeError with a message the user can act on."""
    if os_keyring_available():
        return True
    if demo:
        keyring.set_keyring(MemoryKeyring())
        return False
    raise RuntimeError(tr(NO_KEYRING_MESSAGE))
