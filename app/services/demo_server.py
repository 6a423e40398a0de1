"""The demo provincial server for `make run`, in a child process that cannot
outlive the app.

Child (`python -m app.services.demo_server --data DIR`): seeds and runs the
demo server (sync.server.demo.start_demo) on a free loopback port, writes
DIR/demo.json (address, demo user, this run's generated password; readable
by the owner only), and stops when its stdin reaches end of file — which
happens when the parent exits in any way, a crash or a kill included, on
every OS — or when it is re-parented (POSIX).

Parent: DemoServer(DIR).start() launches the child, waits for demo.json and
a health answer; stop() (also registered with atexit) ends it."""
from __future__ import annotations

import argparse
import atexit
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

INFO_FILE = "demo.json"
STARTING = "抽样助手演示 / Field Sampler demo: starting the demo server…"  # i18n: terminal, both languages


@dataclass(frozen=True)
class DemoAccess:
    url: str
    username: str
    password: str
    usernames: list[str]
    data_dir: str
    pid: int


# --- child ----------------------------------------------------------------

def _watch_parent(stop: threading.Event, parent_pid: int) -> None:
    def stdin_closed() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()
    threading.Thread(target=stdin_closed, daemon=True, name="parent-watch").start()
    while not stop.wait(1.0):
        if os.name == "posix" and os.getppid() != parent_pid:
            stop.set()


def child_main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="demo_server")
    p.add_argument("--data", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--parent-pid", type=int, default=os.getppid())
    args = p.parse_args(argv)
    from app.store.files import write_atomic
    from sync.server.demo import start_demo
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    running, info = start_demo(data, port=args.port, history=True)
    access = DemoAccess(url=running.url, username=info.username, password=info.password,
                        usernames=list(info.usernames), data_dir=str(data.resolve()), pid=os.getpid())
    write_atomic(data / INFO_FILE, json.dumps(vars(access), ensure_ascii=False).encode("utf-8"), prefix=".demo-")
    os.chmod(data / INFO_FILE, 0o600)
    print(f"demo server (pid {os.getpid()}) listening on {running.url}", flush=True)
    stop = threading.Event()
    try:
        _watch_parent(stop, args.parent_pid)
    except KeyboardInterrupt:
        pass
    running.stop()
    (data / INFO_FILE).unlink(missing_ok=True)
    return 0


# --- parent ---------------------------------------------------------------

class DemoServerError(RuntimeError):
    pass


class DemoServer:
    def __init__(self, data_dir: Path, *, log_path: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.log_path = log_path or self.data_dir / "server.log"
        self.proc: subprocess.Popen | None = None
        self.access: DemoAccess | None = None

    def start(self, timeout_s: float = 60.0) -> DemoAccess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        info = self.data_dir / INFO_FILE
        info.unlink(missing_ok=True)             # a previous run's file is stale
        root = Path(__file__).resolve().parents[2]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
        log = open(self.log_path, "ab")
        # stdin is a pipe the parent never writes: when the parent dies, the
        # OS closes it and the child sees end of file.
        self.proc = subprocess.Popen([sys.executable, "-m", "app.services.demo_server", "--data",
                                      str(self.data_dir), "--parent-pid", str(os.getpid())],
                                     stdin=subprocess.PIPE, stdout=log, stderr=log, env=env, cwd=str(root))
        log.close()
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout_s
        while not info.exists():
            if self.proc.poll() is not None:
                raise DemoServerError(f"the demo server stopped (exit {self.proc.returncode}); see {self.log_path}")
            if time.monotonic() > deadline:
                self.stop()
                raise DemoServerError(f"the demo server did not start within {timeout_s:.0f} s; see {self.log_path}")
            time.sleep(0.05)
        self.access = DemoAccess(**json.loads(info.read_text(encoding="utf-8")))
        self._wait_healthy(deadline)
        return self.access

    def _wait_healthy(self, deadline: float) -> None:
        from app.services.syncing import probe
        while not probe(self.access.url, timeout_s=1.0):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise DemoServerError(f"the demo server does not answer at {self.access.url}")
            time.sleep(0.05)

    def stop(self, timeout_s: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()                  # the child's signal to stop cleanly
        except OSError:
            pass
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def banner(root: Path, access, tasks: int, os_keyring: bool) -> str:
    others = ", ".join(u for u in access.usernames if u != access.username)
    keyring_note = ("device token and key: OS keyring" if os_keyring
                    else "no OS keyring: device token and key kept in memory for this run only")
    return "\n".join([
        "=" * 72,
        f"抽样助手演示已就绪 / Demo ready — {tasks} tasks for today pulled",  # i18n: terminal, both languages
        f"  demo folder   {root}",
        f"    server data {root / 'server'}   (log: server/server.log)",
        f"    app data    {root / 'client'}   settings: {root / 'config' / 'settings.json'}",
        f"  server        {access.url}   (loopback only; stops when the app quits)",
        f"  sign in       user {access.username}   password {access.password}   (new each run)",
        f"                演示账号 {access.username} / 密码 {access.password}",  # i18n: terminal, both
        f"  other accounts (same password): {others}",
        f"  web console   {access.url}/console/   (管理平台)",  # i18n: terminal, both languages
        f"                province {access.password} (省局)  ·  "  # i18n: terminal, both languages
        f"agency / agency2 {access.password} (承检机构)",  # i18n: terminal, both languages
        f"  progress      field-sampler-server progress --data {root / 'server'}",
        f"  {keyring_note}",
        "=" * 72,
    ])


if __name__ == "__main__":
    sys.exit(child_main())
