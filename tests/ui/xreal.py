"""A real X display (Xvfb at 1366x768), the real app on it, and real input
events (xdotool through the XTEST extension) — for tests/ui/test_real_window.py."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1366, 768)


def tools_missing() -> list[str]:
    return [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]


class Display:
    """Xvfb on a display number it picks itself (-displayfd): no race with
    another test process starting its own Xvfb at the same moment."""

    def __init__(self) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                                      f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp", "-noreset"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(write,))
        os.close(write)
        with os.fdopen(read) as f:          # Xvfb writes the number once it accepts clients
            number = f.readline().strip()
        if not number.isdigit():
            self.proc.kill()
            raise RuntimeError(f"Xvfb did not start: {self.proc.communicate()[1].decode(errors='replace')[-500:]}")
        self.name = f":{number}"

    def env(self) -> dict:
        return {**os.environ, "DISPLAY": self.name}

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Input:
    """Mouse and keyboard through the X server, like a person's."""

    def __init__(self, display: Display) -> None:
        self.env = display.env()

    def _x(self, *args) -> None:
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True, timeout=30)

    def move(self, x: int, y: int) -> None:
        # not --sync: it waits for a motion that never comes when the pointer is already there
        self._x("mousemove", x, y)
        time.sleep(0.03)

    def click(self, x: int, y: int) -> None:
        self.move(x, y)
        self._x("click", "1")

    def click_on(self, rect: dict) -> None:
        self.click(rect["x"] + rect["w"] // 2, rect["y"] + rect["h"] // 2)

    def wheel(self, rect: dict, notches: int) -> None:
        """notches > 0: away from the user (up), < 0: towards (down)."""
        self.move(rect["x"] + rect["w"] // 2, rect["y"] + rect["h"] // 2)
        self._x("click", "--repeat", abs(notches), "--delay", 40, "4" if notches > 0 else "5")

    def type(self, text: str) -> None:
        self._x("type", "--delay", "6", text)

    def key(self, *keys: str) -> None:
        self._x("key", *keys)

    def drag(self, points: list[tuple[int, int]]) -> None:
        x, y = points[0]
        self.move(x, y)
        self._x("mousedown", "1")
        for x, y in points[1:]:
            self.move(x, y)
        self._x("mouseup", "1")


class App:
    """tests/ui/real_window_child.py on the display: the real app plus a
    probe that reports what is on screen."""

    def __init__(self, display: Display, data: Path, config: Path, log: Path) -> None:
        env = display.env()
        env.update(QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT), QT_LOGGING_RULES="qt.multimedia*=false",
                   XDG_CONFIG_HOME=str(config / "xdg-config"), XDG_STATE_HOME=str(config / "xdg-state"))
        self.stderr = open(log, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.ui.real_window_child", str(data), str(config)],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, encoding="utf-8")
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def ask(self, cmd: str, timeout: float = 20):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise RuntimeError(f"the app exited ({self.proc.poll()})")
        out = json.loads(line)
        if "error" in out:
            raise LookupError(out["error"])
        return out["ok"]

    def wait(self, cond, timeout: float = 30, what: str = ""):
        """Poll the probe until cond() is true (a LookupError counts as not yet)."""
        end = time.monotonic() + timeout
        while True:
            try:
                value = cond()
                if value:
                    return value
            except LookupError:
                pass
            if time.monotonic() > end:
                raise TimeoutError(what or getattr(cond, "__name__", "condition"))
            time.sleep(0.1)

    def where(self, name: str) -> dict:
        return self.wait(lambda: self.ask(f"where {name}"), what=f"widget {name}")

    def idle(self) -> None:
        self.wait(lambda: self.ask("ops") == 0 and not self.ask("state")["busy"], what="idle")

    def quit(self) -> int:
        try:
            self.ask("quit", timeout=5)
        except (LookupError, RuntimeError, queue.Empty):
            pass
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.stderr.close()


def screenshot(display: Display, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["import", "-window", "root", str(path)], env=display.env(), check=True, timeout=30)
    return path
