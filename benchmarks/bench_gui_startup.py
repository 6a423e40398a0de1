"""Cold start of the desktop app to its main window shown, relative to a bare
PySide6 QMainWindow started by the same interpreter in the same run (target
<= 1.2x). The app is started as its Start-menu shortcut starts it: the
installed `field-sampler` script with no arguments.

Measured from spawning the process to the moment the window is shown and
the event loop runs (each child prints the system-wide monotonic clock
then). The time to the process's end, which adds the interpreter's
teardown, is printed beside it for comparison with earlier rounds."""
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
        "import time\n"
        "def shown():\n"
        "    print(f'shown_at_monotonic {time.monotonic():.6f}', flush=True); app.quit()\n"
        "QTimer.singleShot(0, shown); app.exec()\n")


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(seconds to the window shown, seconds to the process's end)."""
    t0 = time.monotonic()
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    end = time.monotonic() - t0
    stamp = next(line.split()[1] for line in out.splitlines() if line.startswith("shown_at_monotonic "))
    return float(stamp) - t0, end


def main() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FIELD_SAMPLER_DATA=f"{tmp}/data", XDG_CONFIG_HOME=f"{tmp}/config",
                   XDG_STATE_HOME=f"{tmp}/state", XDG_DATA_HOME=f"{tmp}/share",
                   # Bytecode as an installed app has it (pip and PyInstaller
                   # compile it): the warm-up runs write it here, outside the
                   # tree, even where PYTHONDONTWRITEBYTECODE is set (this
                   # sandbox sets it: every start compiled the app's sources).
                   PYTHONPYCACHEPREFIX=f"{tmp}/pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        # Started as the Start-menu shortcut starts it: the installed
        # `field-sampler` script (the bundle's executable does the same
        # import) with no arguments; the environment asks it to quit once shown.
        script = Path(sys.executable).with_name("field-sampler")
        app_cmd = [str(script)] if script.is_file() else [sys.executable, "-m", "app"]
        env["FIELD_SAMPLER_EXIT_AFTER_SHOW"] = "1"
        bare_cmd = [sys.executable, "-c", BARE]
        timed(app_cmd, env), timed(bare_cmd, env)  # warm the OS file cache for both
        app_r, bare_r = [], []
        for _ in range(7):  # interleaved so drift hits both alike
            app_r.append(timed(app_cmd, env))
            bare_r.append(timed(bare_cmd, env))
    app_t, bare_t = [r[0] for r in app_r], [r[0] for r in bare_r]
    app_s, bare_s = statistics.median(app_t), statistics.median(bare_t)
    app_end, bare_end = statistics.median(r[1] for r in app_r), statistics.median(r[1] for r in bare_r)
    print(f"# medians of 7 interleaved runs, spawn to window shown; app {[round(t * 1000) for t in app_t]} ms, "
          f"bare {[round(t * 1000) for t in bare_t]} ms", flush=True)
    print(f"# to the process's end (with teardown): app {app_end * 1000:.0f} ms / bare {bare_end * 1000:.0f} ms "
          f"= {app_end / bare_end:.2f} x", flush=True)
    return report("gui_cold_start_ratio", app_s / bare_s, "x", "<=", 1.2,
                  baseline=f"app {app_s * 1000:.0f} ms / bare {bare_s * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(0 if main() else MISSED)
