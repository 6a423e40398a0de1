"""Enrolling a laptop with a one-time code against `field-sampler-server
serve` (codes made with `enroll-code`): success keeps the key and token in
the keyring; each failure says why in Chinese and English and leaves
nothing behind, on the laptop or on the server."""
from __future__ import annotations

import http.server
import threading
from datetime import timedelta

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from app.services import enrollment
from app.services.device_key import USERNAME as KEY_USER, DeviceKey
from app.services.keyring_setup import MemoryKeyring
from app.services.syncing import SignInError
from sync.client import credentials
from tests.realserver import PASSWORDS, province_template, real_server  # noqa: F401


def _devices(server) -> list[tuple[str, bool]]:
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.devices.models import Device
    db = Database(settings_for(server.data).db_url, run_migrations=False)
    try:
        with db.session() as s:
            return [(d.id, d.revoked_at is not None) for d in s.scalars(select(Device).where(Device.kind == "device"))]
    finally:
        db.close()


def _fails(*args, **kw) -> SignInError:
    with pytest.raises(SignInError) as e:
        enrollment.enroll_with_code(*args, **kw)
    assert e.value.zh and e.value.en and e.value.zh != e.value.en
    return e.value


def _nothing_kept(store: MemoryKeyring, url: str) -> None:
    assert (credentials.SERVICE, KEY_USER) not in store.store
    assert not [k for k in store.store if k[1].startswith("sync-token:")]


def test_enrollment_keeps_the_key_and_token_and_registers_the_public_key(real_server, memory_keyring):
    who = enrollment.enroll_with_code(real_server.url + "/", real_server.code(), "zhang", PASSWORDS["zhang"])
    assert who.server_url == real_server.url and who.username == "zhang" and who.name == "张伟"
    key = DeviceKey.load()
    token = credentials.load_token(real_server.url)
    assert key is not None and token
    # the server holds this laptop's public key (the lab's registry)
    real_server.admin("export-keys", "--out", str(real_server.data / "keys.json"))
    registry = (real_server.data / "keys.json").read_text(encoding="utf-8")
    assert key.public_key_b64() in registry
    assert [d for d, _ in _devices(real_server)] == [who.device_id]


def test_each_failure_says_why_and_leaves_nothing_behind(real_server, memory_keyring, tmp_path):
    url = real_server.url
    code = real_server.code()
    cases = {
        "address.invalid": _fails("http://exa mple", code, "zhang", PASSWORDS["zhang"]),
        "enroll.code_format": _fails(url, "1234", "zhang", PASSWORDS["zhang"]),
        "auth.invalid": _fails(url, code, "zhang", "not-my-password"),
        "enroll.code_invalid": _fails(url, code, "li", PASSWORDS["li"]),     # zhang's code, li signs in
    }
    assert cases["auth.invalid"].zh == "用户名或密码错误"
    assert "登记码" in cases["enroll.code_invalid"].zh
    for expected, err in cases.items():
        assert err.code == expected
    _nothing_kept(memory_keyring, url)
    assert _devices(real_server) == []

    # used: the code enrolls once; a second laptop with it is refused
    enrollment.enroll_with_code(url, code, "zhang", PASSWORDS["zhang"])
    other = MemoryKeyring()
    keyring.set_keyring(other)
    err = _fails(url, code, "zhang", PASSWORDS["zhang"])
    assert err.code == "enroll.code_used" and "只能用一次" in err.zh
    _nothing_kept(other, url)
    assert len(_devices(real_server)) == 1


def test_expired_code(real_server, memory_keyring):
    code = real_server.code("li", hours=1)
    from sync.server.config import settings_for
    from sync.server.db import Database, utcnow
    from sync.server.enrollment.models import EnrollmentCode
    db = Database(settings_for(real_server.data).db_url, run_migrations=False)
    with db.session() as s:
        s.scalar(select(EnrollmentCode)).expires_at = utcnow() - timedelta(seconds=1)
    db.close()
    err = _fails(real_server.url, code, "li", PASSWORDS["li"])
    assert err.code == "enroll.code_expired" and "过期" in err.zh and "expired" in err.en
    _nothing_kept(memory_keyring, real_server.url)
    assert _devices(real_server) == []


def test_unreachable_and_not_our_server(memory_keyring):
    from tests.sync.pgcluster import free_port
    url = f"http://127.0.0.1:{free_port()}"          # nothing listens there
    with pytest.raises(SignInError) as e:
        enrollment.check_address(url)
    assert e.value.code == "address.unreachable" and "无法连接服务器" in e.value.zh
    err = _fails(url, "ABCD-EFGH-JK23", "zhang", "pw")
    assert err.code == "address.unreachable"

    class Portal(http.server.BaseHTTPRequestHandler):   # a captive portal / some other web site
        def do_GET(self):
            body = b"<html>Welcome to the hotel Wi-Fi</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SignInError) as e:
            enrollment.check_address(f"http://127.0.0.1:{httpd.server_address[1]}")
        assert e.value.code == "address.not_ours" and "不是抽样助手服务器" in e.value.zh
    finally:
        httpd.shutdown()
    with pytest.raises(SignInError) as e:
        enrollment.check_address("ftp://x")
    assert e.value.code == "address.invalid"
    _nothing_kept(memory_keyring, url)


def test_no_keyring_refuses_before_anything_is_sent(real_server):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        err = _fails(real_server.url, real_server.code(), "zhang", PASSWORDS["zhang"])
    finally:
        keyring.set_keyring(previous)
    assert err.code == "keyring" and "密钥环" in err.zh and "keyring" in err.en
    assert _devices(real_server) == []


class DropsTokens(MemoryKeyring):
    """A keyring that takes the device key but loses the token (a locked or
    broken store): the enrollment must be undone on the server too."""

    def set_password(self, service, username, password):
        if username.startswith("sync-token:"):
            raise keyring.errors.PasswordSetError("locked")
        super().set_password(service, username, password)


def test_a_keyring_failing_after_the_server_accepted_undoes_the_enrollment(real_server):
    previous = keyring.get_keyring()
    store = DropsTokens()
    keyring.set_keyring(store)
    try:
        err = _fails(real_server.url, real_server.code(), "zhang", PASSWORDS["zhang"])
    finally:
        keyring.set_keyring(previous)
    assert err.code == "keyring"
    _nothing_kept(store, real_server.url)
    devices = _devices(real_server)
    assert len(devices) == 1 and devices[0][1] is True     # enrolled, then revoked with its own token


def test_serve_refuses_password_only_enrollment(real_server):
    import base64
    import os

    import httpx
    r = httpx.post(real_server.url + "/v1/auth/enroll", json={
        "username": "zhang", "password": PASSWORDS["zhang"], "public_key": base64.b64encode(os.urandom(32)).decode()})
    assert r.status_code == 403 and r.json()["error"]["code"] == "enroll.code_required"
    assert _devices(real_server) == []

