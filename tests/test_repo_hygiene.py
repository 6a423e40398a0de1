"""The tree as committed: no file carries a merge's conflict markers (one
README once shipped with them) and no build or install artifact rides along
(a pyflakes wheel once did)."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def test_no_tracked_file_carries_conflict_markers():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    bad = []
    for name in filter(None, files.decode().split("\0")):
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".json", ".html", ".toml", ".cfg", ".ini", ".sh", ".txt", ".css",
                               ".js", ".spec", ".nsi", ".yml", ".yaml", ""} or not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        bad += [f"{name}:{i}" for i, line in enumerate(lines, 1) if line.startswith(MARKERS)]
    assert not bad, f"conflict markers left by a merge: {bad}"


ARTIFACTS = (".whl", ".egg", ".pyc", ".pyo", ".so", ".dll", ".exe", ".sqlite", ".db")


def test_no_build_or_install_artifact_is_tracked():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    bad = [name for name in filter(None, files.decode().split("\0")) if name.endswith(ARTIFACTS)]
    assert not bad, f"build or install artifacts committed: {bad}"
