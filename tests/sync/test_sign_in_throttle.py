"""Sign-in limiting that holds under concurrency and cannot lock out the
rightful user: counted atomically across worker processes (SQLite and
PostgreSQL, `serve --workers 2`), per account from an address, per address
and per account with backoff; known addresses and enrolled laptops are not
held by someone else's guesses; X-Forwarded-For only from configured
proxies."""
from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from app.domain.seal_payload import KeySigner
from sync.server.app import create_app
from sync.server.audit.models import AuditEntry
from sync.server.auth.models import LoginCounter
from sync.server.config import settings_for
from sync.server.runner import start_in_thread
from tests.sync.conftest import make_database
from tests.sync.test_server_workers import _wait_healthy
from tests.sync.world import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _from(address: str, base: str) -> httpx.Client:
    """A client whose connections come from this loopback address."""
    return httpx.Client(base_url=base, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def _login(c: httpx.Client, username: str, password: str = "wrong", **headers) -> httpx.Response:
    return c.post("/v1/auth/login", json={"username": username, "password": password}, headers=headers)


def _burst(base: str, n: int, username: str = "adm_a") -> list[int]:
    """n wrong guesses at once, each on its own connection."""
    barrier, codes = threading.Barrier(n), []

    def guess():
        with httpx.Client(base_url=base, timeout=60) as c:
            barrier.wait()
            codes.append(_login(c, username).status_code)
    threads = [threading.Thread(target=guess) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_forty_guesses_at_once_on_two_workers_get_five_checks(backend, request, tmp_path):
    url, _ = make_database(backend, request, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--workers", "2", "--port", "0",
                             "--data", str(tmp_path / "data"), "--database-url", url],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert "(2 worker processes)" in line, line
        base = line.split("listening on ", 1)[1].split()[0]
        _wait_healthy(base)
        codes = _burst(base, 40)
        # A 401 is a password checked and found wrong; a 429 was refused unchecked.
        assert sorted(codes) == [401] * 5 + [429] * 35, codes
        with httpx.Client(base_url=base) as c:
            r = _login(c, "adm_a", PASSWORD)             # the same address: this account waits
            assert r.status_code == 429 and int(r.headers["Retry-After"]) > 200
            assert _login(c, "adm_b", PASSWORD).status_code == 200      # another account does not
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_someone_elses_guesses_do_not_lock_out_the_rightful_user(live_sqlite):
    base = live_sqlite.url
    with _from("127.0.0.2", base) as attacker:
        codes = [_login(attacker, "adm_a").status_code for _ in range(12)]
        assert codes == [401] * 5 + [429] * 7           # held after 5, for this account from here
        assert _login(attacker, "adm_a", PASSWORD).status_code == 429
        # Other accounts behind the attacker's address are not held by these guesses.
        assert _login(attacker, "prov", PASSWORD).status_code == 200
    with _from("127.0.0.1", base) as own:               # the rightful user, from its own address
        assert _login(own, "adm_a", PASSWORD).status_code == 200


def test_spraying_from_one_address_and_guessing_from_many_are_held_too(live_sqlite):
    base = live_sqlite.url
    with _from("127.0.0.1", base) as office:             # adm_b has signed in from here before
        assert _login(office, "adm_b", PASSWORD).status_code == 200
    with _from("127.0.0.1", base) as office:
        names = [f"nobody{i}" for i in range(30)]
        codes = [_login(office, name).status_code for name in names]
        assert codes.count(401) == 20 and codes[20:] == [429] * 10       # 20 per address
        assert _login(office, "lab_a", PASSWORD).status_code == 429          # new here: held
        assert _login(office, "adm_b", PASSWORD).status_code == 200          # known here: not held
    # One account guessed from many addresses: after 20, only addresses it
    # has signed in from may still try.
    for i in range(3, 8):
        with _from(f"127.0.0.{i}", base) as c:
            assert [_login(c, "lab_a").status_code for _ in range(4)] == [401] * 4
    with _from("127.0.0.9", base) as c:
        assert _login(c, "lab_a", PASSWORD).status_code == 429
        assert _login(c, "prov", PASSWORD).status_code == 200
    with _from("127.0.0.3", base) as c:                  # its pair is not spent, the account is
        assert _login(c, "lab_a", PASSWORD).status_code == 429


def test_the_wait_doubles_with_each_failure_and_a_right_password_ends_it(live_sqlite):
    db, base = live_sqlite.db, live_sqlite.url

    def age(seconds: float) -> None:                     # as if that much time had passed
        with db.session() as s:
            for row in s.scalars(select(LoginCounter)):
                row.last_failure_at = row.last_failure_at - timedelta(seconds=seconds)

    with httpx.Client(base_url=base) as c:
        for _ in range(5):
            assert _login(c, "adm_a").status_code == 401
        first = int(_login(c, "adm_a").headers["Retry-After"])
        assert 290 <= first <= 301
        age(301)
        assert _login(c, "adm_a").status_code == 401     # one more try after the wait, wrong again
        second = int(_login(c, "adm_a").headers["Retry-After"])
        assert 590 <= second <= 601
        age(601)
        assert _login(c, "adm_a", PASSWORD).status_code == 200
        assert _login(c, "adm_a").status_code == 401     # counting starts again after a good sign-in
        assert _login(c, "adm_a", PASSWORD).status_code == 200


def test_an_enrolled_laptop_proving_its_key_is_not_held_by_guesses(live_sqlite, memory_keyring):
    """The end-of-day case: someone guessed the sampler's password from the
    same address until it is held; the sampler's own laptop signs in again
    (its token had expired) with the key it enrolled with: let in."""
    from sync.client.enroll import enroll
    from sync.client.errors import ServerRefused
    key = KeySigner()
    enroll(live_sqlite.url, "s_a1", PASSWORD, key.public_key_bytes(), device_name="本机")
    with httpx.Client(base_url=live_sqlite.url) as c:
        body = {"username": "s_a1", "password": "wrong", "device_name": "x",
                "public_key": __import__("base64").b64encode(KeySigner().public_key_bytes()).decode()}
        codes = [c.post("/v1/auth/enroll", json=body).status_code for _ in range(30)]
        assert codes.count(401) == 5 and codes[-1] == 429
    again = enroll(live_sqlite.url, "s_a1", PASSWORD, key.public_key_bytes(), device_name="本机", signer=key)
    assert again.user.username == "s_a1"
    # A key the account never enrolled proves nothing: held like anyone.
    other = KeySigner()
    with pytest.raises(ServerRefused) as e:
        enroll(live_sqlite.url, "s_a1", PASSWORD, other.public_key_bytes(), signer=other)
    assert e.value.status == 429


def _audit_addresses(live) -> list[str]:
    with live.db.session() as s:
        return [e.detail.get("address") for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login").order_by(AuditEntry.id))]


def test_forwarded_for_is_believed_only_from_a_configured_proxy(live_sqlite, tmp_path):
    with httpx.Client(base_url=live_sqlite.url) as c:   # no proxy configured: the header is ignored
        codes = [_login(c, "adm_a", **{"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(8)]
        assert codes == [401] * 5 + [429] * 3
        assert _login(c, "prov", PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 200
    assert _audit_addresses(live_sqlite)[-1] == "127.0.0.1"
    # Behind a proxy on 127.0.0.1: the address is the last hop the proxy saw.
    with live_sqlite.db.session() as s:
        s.execute(update(LoginCounter).values(failures=0))
    settings = settings_for(tmp_path / "proxied", live_sqlite.db.url, trusted_proxies="127.0.0.1, 10.1.0.0/16")
    proxied = start_in_thread(create_app(settings, live_sqlite.db))
    try:
        with httpx.Client(base_url=proxied.url) as c:
            guesses = [_login(c, "adm_a", **{"X-Forwarded-For": "1.2.3.4, 10.0.0.5"}).status_code for _ in range(6)]
            assert guesses == [401] * 5 + [429]          # a forged first hop does not escape the count
            assert _login(c, "adm_a", PASSWORD, **{"X-Forwarded-For": "10.0.0.6"}).status_code == 200
            assert _login(c, "adm_a", PASSWORD,
                          **{"X-Forwarded-For": "10.0.0.7, 10.1.2.3"}).status_code == 200   # through two proxies
        assert _audit_addresses(live_sqlite)[-2:] == ["10.0.0.6", "10.0.0.7"]
    finally:
        proxied.stop()


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(tmp_path, capsys):
    from sync.server.cli import main
    assert main(["serve", "--trusted-proxy", "10.0.0.1", "--trusted-proxy", "proxy.local",
                 "--data", str(tmp_path), "--port", "0"]) == 2
    assert "proxy.local" in capsys.readouterr().err
