"""First run of a real installation, and enrolling again (Qt-free; every
function may block on the network or the keyring: the GUI calls them off
its thread).

Enrolling is all or nothing. The new device key is made in memory and sent
with the one-time code; only when the server has accepted both are the key
and the device token written to the OS keyring. If the keyring then fails,
the new device is revoked on the server with its own token and the previous
key and token (re-enrollment) are put back: no half-enrolled laptop, and no
live device on the server that nobody holds.
"""
from __future__ import annotations

import json

from app.domain.i18n import N_, both
from app.services.syncing import USER_KEY, SignedIn, SignInError, normalize_url
from app.services.workspace import Workspace
from sync.client import credentials, state
from sync.client.errors import AuthError, ServerRefused, TransientError, UpgradeRequired
from sync.protocol.enrollment import AppReleaseOut, is_code, normalize_code

REVOKED_KEY = "ui.revoked"      # set when the server said this device is revoked


ADDRESS_PROBLEMS = {
    "address.invalid": N_("服务器地址格式不正确：{url}。地址应如 https://cj.example.gov.cn"),
    "address.unreachable": N_("无法连接服务器 {url}。请检查网络连接和地址，或稍后再试。"),
    "address.not_ours": N_("{url} 不是抽样助手服务器。请核对地址（如需先在浏览器中登录网络认证页面，请先完成认证）。"),
}


def _address_error(code: str, url: str) -> SignInError:
    return SignInError(*both(ADDRESS_PROBLEMS[code], url=url), code)


def _keyring_error() -> SignInError:
    from app.services.keyring_setup import NO_KEYRING_MESSAGE
    return SignInError(*both(NO_KEYRING_MESSAGE), "keyring")


def check_address(server_url: str) -> tuple[str, AppReleaseOut]:
    """The normalized address and the release it publishes, or SignInError
    saying what is wrong: malformed, unreachable, not our server, or this
    app too old for it."""
    from sync.client.enroll import AddressError, check_server
    url = normalize_url(server_url)
    if not url:
        raise SignInError(*both("请填写服务器地址"), "server.missing")
    try:
        return url, check_server(url)
    except AddressError as e:
        raise _address_error(e.code, url) from e
    except UpgradeRequired as e:
        raise SignInError(e.zh, e.en, e.code) from e


def keyring_usable() -> bool:
    """The OS keyring is there and keeps what is written to it."""
    import keyring
    import keyring.errors

    from app.services.keyring_setup import os_keyring_available
    if not os_keyring_available():
        return False
    probe = "probe:first-run"
    try:
        keyring.set_password(credentials.SERVICE, probe, "ok")
        ok = keyring.get_password(credentials.SERVICE, probe) == "ok"
        keyring.delete_password(credentials.SERVICE, probe)
        return ok
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        return False


def enroll_with_code(server_url: str, code: str, username: str, password: str, *,
                     device_name: str = "") -> SignedIn:
    """Enroll this laptop with a one-time code; all or nothing (see the
    module doc). Raises SignInError with Chinese and English text."""
    from app.services.device_key import DeviceKey, DeviceKeyError
    from sync.client.enroll import enroll_with_code as enroll, revoke_self
    from sync.client.enroll import address_problem
    url = normalize_url(server_url)
    if not url:
        raise SignInError(*both("请填写服务器地址"), "server.missing")
    if address_problem(url):
        raise _address_error(address_problem(url), url)
    canonical = normalize_code(code)
    if not is_code(canonical):
        raise SignInError(*both("登记码应为12位字母和数字，如 ABCD-EFGH-JK23（请向管理员索取）"),
                          "enroll.code_format")
    if not username.strip() or not password:
        raise SignInError(*both("请输入用户名和密码"), "auth.empty")
    if not keyring_usable():
        raise _keyring_error()
    key = DeviceKey.generate()
    try:
        e = enroll(url, canonical, username.strip(), password, key.public_key_bytes(), device_name=device_name)
    except UpgradeRequired as err:
        raise SignInError(err.zh, err.en, err.code) from err
    except TransientError as err:
        raise _address_error("address.unreachable", url) from err
    except (AuthError, ServerRefused) as err:     # wrong password, code refused, too many attempts
        raise SignInError(err.zh, err.en, err.code) from err
    previous_key, previous_token = _current_secrets(url)
    try:
        key.store()
        credentials.save_token(url, e.token)
        if credentials.load_token(url) != e.token:
            raise DeviceKeyError("token not kept")
    except Exception as err:   # noqa: BLE001 - whatever the keyring raised, undo both sides
        revoke_self(url, e.device_id, e.token)
        _put_back(url, previous_key, previous_token)
        raise _keyring_error() from err
    return SignedIn(url, e.user.username, e.user.name, e.device_id)


def _current_secrets(url: str):
    from app.services.device_key import DeviceKey, DeviceKeyError
    try:
        return DeviceKey.load(), credentials.load_token(url)
    except (DeviceKeyError, Exception):   # noqa: BLE001 - nothing readable: nothing to put back
        return None, None


def _put_back(url: str, key, token: str | None) -> None:
    from app.services.device_key import DeviceKey
    try:
        if key is not None:
            key.store()
        else:
            DeviceKey.delete()
    except Exception:   # noqa: BLE001 - best effort: the keyring is failing
        pass
    try:
        if token:
            credentials.save_token(url, token)
        else:
            credentials.forget_token(url)
    except Exception:   # noqa: BLE001
        pass


def remember(ws: Workspace, who: SignedIn) -> SignedIn:
    """Store who enrolled (not a secret) and forget an earlier revocation."""
    with ws.db.session() as s:
        state.put(s, USER_KEY, json.dumps(vars(who), ensure_ascii=False))
        state.put(s, REVOKED_KEY, None)
    return who


def ever_enrolled(ws: Workspace) -> bool:
    """Was this data folder ever enrolled? (No: the first-run screen.)"""
    with ws.db.session() as s:
        return state.get(s, USER_KEY) is not None


def mark_revoked(ws: Workspace, server_url: str, message_zh: str, message_en: str) -> None:
    """The server said this device is revoked: remember it across restarts
    (the token is forgotten; the records stay)."""
    with ws.db.session() as s:
        state.put(s, REVOKED_KEY, json.dumps({"server_url": server_url, "zh": message_zh, "en": message_en},
                                             ensure_ascii=False))


def revoked(ws: Workspace) -> dict | None:
    with ws.db.session() as s:
        raw = state.get(s, REVOKED_KEY)
    return json.loads(raw) if raw else None


def newer_release(server_url: str) -> AppReleaseOut | None:
    """The release the province published, if it is newer than this app
    (the status bar's notice); None otherwise."""
    from app.version import is_newer
    from sync.client.enroll import latest_release
    rel = latest_release(server_url)
    return rel if rel is not None and rel.version and is_newer(rel.version) else None
