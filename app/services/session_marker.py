"""Session markers: did the last app session on a data folder end cleanly?

Each GUI session writes data/sessions/session-<token>.json (pid, process
start, start time, the visit open in the wizard) and removes it on a clean
quit. A marker left behind whose process is gone, or whose pid now belongs
to another process, is a session that crashed, lost power or was killed; a
marker of a live app process is a second window on the same folder, not a
crash. One file per session, so two sessions never overwrite each other.

Writes go through write_atomic (temp + fsync + rename) on a short-lived
thread: the GUI thread never waits on the disk. Qt-free."""
from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.times import utc_now
from app.store import paths
from app.store.files import write_atomic

PREFIX, SUFFIX = "session-", ".json"


@dataclass(frozen=True)
class Marker:
    """What a session (this one or an earlier one) wrote."""
    path: Path
    pid: int = 0
    proc_start: str | None = None   # the OS's start time of that pid: tells pid reuse apart
    started_at: str = ""
    updated_at: str = ""
    visit_id: str | None = None     # open in the wizard when last written


@dataclass(frozen=True)
class Previous:
    """The sessions found at start-up, besides this one."""
    crashed: list[Marker] = field(default_factory=list)   # most recently updated first
    running: list[Marker] = field(default_factory=list)   # other live windows on this folder

    @property
    def open_visit(self) -> str | None:
        """The visit that was open in the wizard when the app died, if any."""
        return next((m.visit_id for m in self.crashed if m.visit_id), None)


def _now() -> str:
    return utc_now().isoformat(timespec="milliseconds")


class Session:
    """This process's marker on one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.token = uuid.uuid4().hex
        self.path = paths.sessions_dir(self.data_dir) / f"{PREFIX}{self.token}{SUFFIX}"
        now = _now()
        self._record = {"app": "field-sampler", "pid": os.getpid(), "proc_start": process_start(os.getpid()),
                        "started_at": now, "updated_at": now, "visit_id": None}
        self._cond = threading.Condition()
        self._version = self._written = 0
        self._writer: threading.Thread | None = None
        self._ended = False
        write_atomic(self.path, self._bytes())

    @property
    def visit_id(self) -> str | None:
        return self._record["visit_id"]

    def set_visit(self, visit_id: str | None) -> None:
        """Note the visit now open in the wizard (None: none). Returns at once."""
        with self._cond:
            if self._ended or self._record["visit_id"] == visit_id:
                return
            self._record["visit_id"] = visit_id
            self._record["updated_at"] = _now()
            self._version += 1
            if self._writer is None:   # one writer at a time; it writes the newest state
                self._writer = threading.Thread(target=self._write_pending, name="session-marker", daemon=True)
                self._writer.start()

    def _bytes(self) -> bytes:
        return json.dumps(self._record, ensure_ascii=False).encode()

    def _write_pending(self) -> None:
        while True:
            with self._cond:
                if self._ended or self._written == self._version:
                    self._writer = None
                    self._cond.notify_all()
                    return
                data, version = self._bytes(), self._version
            try:
                write_atomic(self.path, data)
            except OSError:
                pass   # a full disk must not stop the app; the older marker still says "running"
            with self._cond:
                self._written = version

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until the newest state is on disk (tests, clean quit)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._writer is None, timeout)

    def end(self) -> None:
        """Clean quit: remove the marker, so the next start asks nothing."""
        with self._cond:
            self._ended = True
            self._cond.wait_for(lambda: self._writer is None, 5.0)
        _active.pop(self.token, None)
        self.path.unlink(missing_ok=True)


_active: dict[str, Session] = {}   # this process's sessions, by token


def start(data_dir: str | os.PathLike) -> tuple[Session, Previous]:
    """At GUI start on a data folder (off the GUI thread: it reads and fsyncs):
    look at the markers left by other sessions, then write ours."""
    previous = scan(Path(data_dir))
    session = Session(Path(data_dir))
    _active[session.token] = session
    return session, previous


def scan(data_dir: Path) -> Previous:
    crashed, running = [], []
    for path in sorted(paths.sessions_dir(data_dir).glob(f"{PREFIX}*{SUFFIX}")):
        marker = read(path)
        if marker is None:
            continue
        (running if is_running(marker) else crashed).append(marker)
    crashed.sort(key=lambda m: m.updated_at, reverse=True)
    return Previous(crashed, running)


def read(path: Path) -> Marker | None:
    try:
        raw = json.loads(path.read_bytes())
        return Marker(path, int(raw.get("pid") or 0), raw.get("proc_start"), str(raw.get("started_at") or ""),
                      str(raw.get("updated_at") or ""), raw.get("visit_id"))
    except FileNotFoundError:
        return None          # its session just ended cleanly
    except (OSError, ValueError, AttributeError, TypeError):
        return Marker(path)  # unreadable: its session did not end cleanly either


def is_running(marker: Marker) -> bool:
    """Is the session that wrote this marker still running?"""
    token = marker.path.name[len(PREFIX):-len(SUFFIX)]
    if marker.pid == os.getpid():
        return token in _active   # else an earlier process that had our pid
    if marker.pid <= 0:
        return False
    alive, start_time = process_state(marker.pid)
    if not alive:
        return False
    if marker.proc_start and start_time:
        return start_time == marker.proc_start   # same pid, other start: some other program now
    return True   # cannot tell: better no prompt than a false "the app crashed"


def forget(markers: list[Marker]) -> None:
    """Remove markers of crashed sessions once the user has been told."""
    for m in markers:
        m.path.unlink(missing_ok=True)


def visit_opened(data_dir: str | os.PathLike, visit_id: str) -> None:
    """The wizard shows this visit (no-op without a session on the folder)."""
    for s in sessions_on(data_dir):
        s.set_visit(visit_id)


def visit_closed(data_dir: str | os.PathLike, visit_id: str) -> None:
    """The wizard of this visit closed or froze it; a newer wizard is kept."""
    for s in sessions_on(data_dir):
        if s.visit_id == visit_id:
            s.set_visit(None)


def end_all() -> None:
    for s in list(_active.values()):
        s.end()


def sessions_on(data_dir: str | os.PathLike) -> list[Session]:
    folder = Path(data_dir).resolve()
    return [s for s in list(_active.values()) if s.data_dir == folder]


# --- processes ----------------------------------------------------------------

def process_start(pid: int) -> str | None:
    return process_state(pid)[1]


def process_state(pid: int) -> tuple[bool, str | None]:
    """(alive, start time as the OS tells it, or None if unknown)."""
    if sys.platform == "win32":
        return _windows_state(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False, None
    except PermissionError:
        pass                              # alive, another user's
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True, None                 # no procfs (macOS): alive, start unknown
    # after "pid (comm) ": state is field 3, starttime field 22 (comm may hold spaces)
    rest = stat[stat.rindex(b")") + 2:].split()
    if rest[0] in (b"Z", b"X"):
        return False, None                # killed, not yet reaped
    return True, rest[19].decode()


def _windows_state(pid: int) -> tuple[bool, str | None]:
    import ctypes
    from ctypes import wintypes

    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = k32.OpenProcess(0x1000, False, pid)   # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5, None  # access denied: alive
    try:
        code = wintypes.DWORD()
        if k32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != 259:  # STILL_ACTIVE
            return False, None
        times = [wintypes.FILETIME() for _ in range(4)]
        if not k32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return True, None
        return True, str(times[0].dwHighDateTime << 32 | times[0].dwLowDateTime)
    finally:
        k32.CloseHandle(handle)
