"""Cold start of the desktop app to its main window shown, relative to a bare
PySide6 QMainWindow started the same way in the same run (target <= 1.2x)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import MISSED, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BARE = ("from PySide6.QtWidgets import QApplication, QMainWindow\n"
        "from PySide6.QtCore import QTimer\n"
        "app = QApplication([]); w = QMainWindow(); w.resize(1280, 800); w.show()\n"
        "QTimer.singleShot(0, app.quit); app.exec()\n")


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FIELD_SAMPLER_DATA=f"{tmp}/data", XDG_CONFIG_HOME=f"{tmp}/config",
                   XDG_STATE_HOME=f"{tmp}/state", XDG_DATA_HOME=f"{tmp}/share")
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        app_cmd = [sys.executable, "-m", "app", "gui", "--exit-after-show"]
        bare_cmd = [sys.executable, "-c", BARE]
        timed(app_cmd, env), timed(bare_cmd, env)  # warm the OS file cache for both
        app_t, bare_t = [], []
        for _ in range(5):  # interleaved so drift hits both alike
            app_t.append(timed(app_cmd, env))
            bare_t.append(timed(bare_cmd, env))
    app_s, bare_s = statistics.median(app_t), statistics.median(bare_t)
    print(f"# medians of 5 interleaved runs; app {[round(t * 1000) for t in app_t]} ms, "
          f"bare {[round(t * 1000) for t in bare_t]} ms", flush=True)
    return report("gui_cold_start_ratio", app_s / bare_s, "x", "<=", 1.2,
                  baseline=f"app {app_s * 1000:.0f} ms / bare {bare_s * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(0 if main() else MISSED)
