"""How the desktop app is launched: the Start-menu shortcut runs it with no
arguments (the GUI, without argparse), options given without a command are
the GUI's, and --help still lists every command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path, **extra) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELD_SAMPLER_DATA=str(tmp_path / "env-data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), **extra)
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_no_arguments_start_the_gui(tmp_path):
    proc = _run([], tmp_path, FIELD_SAMPLER_EXIT_AFTER_SHOW="1")
    assert proc.returncode == 0, proc.stderr
    assert "shown_at_monotonic" in proc.stdout          # the main window was shown
    assert (tmp_path / "env-data").is_dir()             # on the default data folder


def test_options_without_a_command_are_the_guis(tmp_path):
    data = tmp_path / "given"
    proc = _run(["--data-dir", str(data), "--lang", "en", "--exit-after-show"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "shown_at_monotonic" in proc.stdout and data.is_dir() and not (tmp_path / "env-data").exists()


def test_help_still_lists_every_command(tmp_path):
    proc = _run(["--help"], tmp_path)
    assert proc.returncode == 0
    for command in ("gui", "documents", "verify-seal"):
        assert command in proc.stdout
    bad = _run(["--no-such-option"], tmp_path)
    assert bad.returncode == 2 and "--no-such-option" in bad.stderr


def test_collection_runs_on_the_gui_thread_once_the_window_shows(tmp_path):
    """run() turns automatic collection off before the imports (cold start);
    the GUI-thread collector (app/ui/gc_guard.py) must be on once shown, or
    a long day in the app would never collect cycles."""
    code = ("import gc; from app.cli import main; rc = main(['gui', '--exit-after-load']); "
            "from app.ui import gc_guard; print(rc, gc_guard._guard is not None and gc_guard._guard.timer.isActive(), "
            "gc.isenabled())")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELD_SAMPLER_DATA=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "True", "False"]   # the guard's timer collects; automatic stays off
