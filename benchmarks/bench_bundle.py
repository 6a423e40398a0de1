"""The installed app (the PyInstaller bundle) against the source, in the same
run: cold start to the main window shown (`gui --exit-after-show`, as
bench_gui_startup measures the source), target <= 1.2x; and the bundle's
size on disk with what dominates it.

The bundle is (re)built first when it is missing or older than the source
(`make installer`, about 1.5 min)."""
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
DIST = ROOT / "dist" / "field-sampler"
EXE = DIST / ("field-sampler.exe" if os.name == "nt" else "field-sampler")


def _newest_source() -> float:
    files = [p for d in ("app", "forms", "sync", "resources", "installer") for p in (ROOT / d).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in files + [ROOT / "pyproject.toml"])


def ensure_bundle() -> None:
    if EXE.is_file() and EXE.stat().st_mtime >= _newest_source():
        return
    print("# building the bundle (make installer)…", flush=True)
    subprocess.run(["make", "installer"], cwd=ROOT, check=True, capture_output=True)


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(folder: Path, n: int = 6) -> list[tuple[str, int]]:
    parts = [(p.relative_to(DIST).as_posix(), size(p) if p.is_dir() else p.stat().st_size)
             for p in folder.iterdir() if not p.is_symlink()]     # top-level links point into PySide6/
    return sorted(parts, key=lambda x: -x[1])[:n]


def main() -> bool:
    ensure_bundle()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FIELD_SAMPLER_DATA=f"{tmp}/data", XDG_CONFIG_HOME=f"{tmp}/config",
                   XDG_STATE_HOME=f"{tmp}/state", XDG_DATA_HOME=f"{tmp}/share")
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        bundle_cmd = [str(EXE), "gui", "--exit-after-show"]
        source_cmd = [sys.executable, "-m", "app", "gui", "--exit-after-show"]
        timed(bundle_cmd, env), timed(source_cmd, env)   # warm the OS file cache for both
        bundle_t, source_t = [], []
        for _ in range(7):   # interleaved so drift hits both alike
            bundle_t.append(timed(bundle_cmd, env))
            source_t.append(timed(source_cmd, env))
    b, s = statistics.median(bundle_t), statistics.median(source_t)
    print(f"# medians of 7 interleaved runs; bundle {[round(t * 1000) for t in bundle_t]} ms, "
          f"source {[round(t * 1000) for t in source_t]} ms", flush=True)
    ok = report("bundle_cold_start_ratio", b / s, "x", "<=", 1.2,
                baseline=f"bundle {b * 1000:.0f} ms / source {s * 1000:.0f} ms")

    total = size(DIST)
    print(f"# bundle on disk: {total / 2**20:.0f} MiB in {sum(1 for _ in DIST.rglob('*'))} files", flush=True)
    for name, n in biggest(DIST / "_internal"):
        print(f"#   {name}: {n / 2**20:.1f} MiB", flush=True)
    qt_lib = DIST / "_internal" / "PySide6" / "Qt" / "lib"
    if qt_lib.is_dir():
        for name, n in biggest(qt_lib, 5):
            print(f"#     {name}: {n / 2**20:.1f} MiB", flush=True)
    # a ceiling that catches a dependency dragged in by mistake (QtWebEngine
    # alone is ~200 MB); the Linux bundle carries ICU and FFmpeg that a
    # Windows one takes from the system or does without
    return report("bundle_size", total / 2**20, "MiB", "<=", 400,
                  baseline=f"{sum(1 for _ in DIST.rglob('*'))} files") and ok


if __name__ == "__main__":
    sys.exit(0 if main() else MISSED)
