"""`python -m app run-demo` as `make run` starts it: the demo server child,
the device signed in, today's tasks on the home screen; the server child
never outlives the app, even when the app is killed."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
               XDG_DATA_HOME=str(tmp_path / "xdg-data"), XDG_STATE_HOME=str(tmp_path / "xdg-state"))
    env.pop("FIELD_SAMPLER_DATA", None)
    return env


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"          # a zombie has exited; only its reaper is late


def _server_pids(root: Path) -> list[int]:
    log = root / "server" / "server.log"
    return [int(p) for p in re.findall(r"demo server \(pid (\d+)\)", log.read_text())] if log.exists() else []


def test_run_demo_shows_the_pulled_tasks_and_stops_its_server(tmp_path):
    root = tmp_path / "demo"
    out = subprocess.run([sys.executable, "-m", "app", "run-demo", "--data-dir", str(root), "--exit-after-load"],
                         cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "7 tasks for today pulled" in out.stdout
    password = re.search(r"user demo\s+password (\S+)", out.stdout).group(1)
    assert f"field-sampler-server progress --data {root / 'server'}" in out.stdout
    [pid] = _server_pids(root)
    assert not _alive(pid) and not (root / "server" / "demo.json").exists()
    # the user's own settings file was not touched; the demo's has this run's address
    assert not (tmp_path / "xdg-config").exists() or not list((tmp_path / "xdg-config").rglob("settings.json"))
    assert "127.0.0.1" in (root / "config" / "settings.json").read_text()
    # the generated password is not kept by the app
    for f in (root / "client").rglob("*"):
        if f.is_file():
            assert password.encode() not in f.read_bytes(), f


def test_killed_app_takes_its_demo_server_along(tmp_path):
    root = tmp_path / "demo"
    proc = subprocess.Popen([sys.executable, "-m", "app", "run-demo", "--data-dir", str(root)], cwd=ROOT,
                            env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        while "Demo ready" not in proc.stdout.readline():
            assert time.monotonic() < deadline and proc.poll() is None
        [pid] = _server_pids(root)
        assert _alive(pid)
        proc.send_signal(signal.SIGKILL)       # a crash: no atexit, no clean-up code runs
        proc.wait(10)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "the demo server outlived the app"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
