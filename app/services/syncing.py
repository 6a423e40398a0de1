"""What the sync screen does, without Qt: sign in (enrollment with this
device's public key; the token to the OS keyring, the password nowhere),
a cheap reachability probe, the sync engine over the workspace, the
per-record list with its e-CQS deadline state, and releasing a record the
server set aside. Every function here may block (network, keyring, disk):
the GUI calls them off its thread."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from app.domain.i18n import N_, both, is_english, tr
from app.domain.times import utc_now
from app.services.workspace import Workspace
from sync.client import credentials, outbox, state
from sync.client.engine import Outcome, SyncEngine, SyncProgress, SyncReport  # noqa: F401 (the GUI's names)
from sync.client.outbox import OutboxRow as RecordStatus, OutboxStatus  # noqa: F401 (the GUI's names)
from sync.client.errors import SyncError, TransientError
from sync.client.transport import RetryPolicy, Timeouts, Transport
from sync.client.worker import SyncHandle, start_sync

log = logging.getLogger(__name__)

LAST_SYNC_KEY = "ui.last_sync"
USER_KEY = "ui.user"
PROBE_TIMEOUT_S = 3.0


class SignInError(Exception):
    """Sign-in refused or impossible; `zh`/`en` are ready to show."""

    def __init__(self, zh: str, en: str, code: str = ""):
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code

    def text(self, lang: str | None = None) -> str:
        return self.en if is_english(lang) else self.zh


@dataclass(frozen=True)
class SignedIn:
    server_url: str
    username: str
    name: str
    device_id: str


def normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


def signed_in(ws: Workspace, server_url: str) -> SignedIn | None:
    """Who this device is signed in as on server_url (a token in the keyring)."""
    server_url = normalize_url(server_url)
    if not server_url or credentials.load_token(server_url) is None:
        return None
    with ws.db.read() as s:
        raw = state.get(s, USER_KEY)
    info = json.loads(raw) if raw else {}
    if info.get("server_url") not in (None, server_url):
        info = {}
    return SignedIn(server_url, info.get("username", ""), info.get("name", ""), info.get("device_id", ""))


def enroll_device(server_url: str, username: str, password: str) -> SignedIn:
    """Enroll this device with its public key; the token goes to the OS
    keyring. The password is sent once and kept nowhere. Network and
    keyring only: remember() stores who signed in."""
    from app.services.device_key import DeviceKey, DeviceKeyError
    from sync.client.enroll import enroll
    server_url = normalize_url(server_url)
    if not server_url:
        raise SignInError(*both("请先填写服务器地址"), "server.missing")
    if not username.strip() or not password:
        raise SignInError(*both("请输入用户名和密码"), "auth.empty")
    try:
        key = DeviceKey.load_or_create()
        e = enroll(server_url, username.strip(), password, key.public_key_bytes(),
                   retry=RetryPolicy(base_s=0.3, attempts=2), signer=key)
    except DeviceKeyError as err:
        raise SignInError(str(err), str(err), "device_key") from err
    except TransientError as err:
        unreachable = N_("无法连接服务器 {url}：{reason}")
        raise SignInError(tr(unreachable, "zh_CN", url=server_url, reason=err.zh),
                          tr(unreachable, "en", url=server_url, reason=err.en), err.code) from err
    except SyncError as err:      # AuthError (wrong password, revoked…), ServerRefused (429: too many attempts)
        raise SignInError(err.zh, err.en, err.code) from err
    except RuntimeError as err:   # no usable keyring
        raise SignInError(str(err), str(err), "keyring") from err
    return SignedIn(server_url, e.user.username, e.user.name, e.device_id)


def remember(ws: Workspace, who: SignedIn) -> SignedIn:
    with ws.db.session() as s:
        state.put(s, USER_KEY, json.dumps(vars(who), ensure_ascii=False))
    return who


def sign_in(ws: Workspace, server_url: str, username: str, password: str) -> SignedIn:
    """enroll_device() then remember() (headless callers: the demo launcher)."""
    return remember(ws, enroll_device(server_url, username, password))


def sign_out(server_url: str) -> None:
    """Forget the token (e.g. the server revoked this device)."""
    credentials.forget_token(normalize_url(server_url))


def probe(server_url: str, timeout_s: float = PROBE_TIMEOUT_S) -> bool:
    """Does our server answer? One cheap GET; a captive portal's page is 'no'."""
    server_url = normalize_url(server_url)
    if not server_url:
        return False
    t = Transport(server_url, retry=RetryPolicy(attempts=1), timeouts=Timeouts(connect_s=timeout_s, read_s=timeout_s))
    try:
        t.once("GET", "/v1/health")
        return True
    except SyncError:
        return False
    finally:
        t.close()


def device_signer():
    """This laptop's Ed25519 key from the OS keyring (None: there is none,
    or no usable keyring): it signs every record the engine pushes."""
    from app.services.device_key import DeviceKey, DeviceKeyError
    try:
        return DeviceKey.load()
    except DeviceKeyError:
        return None


def make_engine(ws: Workspace, server_url: str, **kw) -> SyncEngine:
    """The sync engine over this workspace: its database and evidence store,
    the outbox checked against the signed records before each push, records
    signed with the device key."""
    from app.services import integrity
    kw.setdefault("before_push", lambda: integrity.sweep(ws))
    kw.setdefault("signer", device_signer)
    return SyncEngine(server_url=normalize_url(server_url), db=ws.db,
                      photo_source=ws.evidence.path, **kw)


class _Guarded:
    """The engine, but an unexpected error still ends the run with a report
    (the GUI must never be left showing a sync that will not finish)."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine

    def run(self, **kw) -> SyncReport:
        try:
            return self.engine.run(**kw)
        except Exception as e:  # noqa: BLE001 - logged, shown as a failed run; the outbox is untouched
            log.exception("sync run failed")
            return SyncReport(network_error=f"{type(e).__name__}: {e}")


def start_run(engine: SyncEngine, *, on_progress: Callable[[SyncProgress], None] | None = None,
              on_done: Callable[[SyncReport], None] | None = None) -> SyncHandle:
    """One sync run on its own thread (not the DB worker: it waits on the
    network). The callbacks are called from that thread."""
    return start_sync(_Guarded(engine), on_progress=on_progress, on_done=on_done)  # type: ignore[arg-type]


def has_work(ws: Workspace) -> bool:
    """Something in the outbox is due for delivery."""
    with ws.db.read() as s:
        return outbox.count_deliverable(s, utc_now()) > 0


def mark_synced(ws: Workspace, when: datetime | None = None) -> datetime:
    when = when or utc_now()
    with ws.db.session() as s:
        state.put(s, LAST_SYNC_KEY, when.isoformat())
    return when


def last_sync(ws: Workspace) -> datetime | None:
    with ws.db.read() as s:
        raw = state.get(s, LAST_SYNC_KEY)
    return datetime.fromisoformat(raw) if raw else None


def records(ws: Workspace, now: datetime | None = None) -> list[RecordStatus]:
    """Undelivered records first, then recently delivered ones, each with
    its e-CQS entry deadline (sync.client.outbox)."""
    with ws.db.read() as s:
        return outbox.rows(s, now or utc_now())


def release(ws: Workspace, client_id: str) -> None:
    """Queue a record the server set aside again, once its cause is fixed."""
    with ws.db.session() as s:
        outbox.release(s, client_id)
