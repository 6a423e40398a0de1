"""`make bench`: runs every benchmarks/bench_*.py in its own process and
prints their lines, one per measure:
    <measure> <value> <unit> [(<baseline>)] target <op> <target> PASS|FAIL
then one verdict per script. A script that printed its measures and exited
non-zero because a measure missed its target "failed"; only a script that
died without printing every measure (an exception, a signal) "crashed".
Exit status is non-zero if any measure fails or any script crashes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from common import MISSED

HERE = Path(__file__).resolve().parent


def verdict(returncode: int, lines: list[str]) -> str:
    failed = [ln for ln in lines if ln.rstrip().endswith("FAIL")]
    if returncode == 0 and lines and not failed:
        return "ok"
    if lines and failed and returncode in (0, MISSED):
        return "failed"
    return "crashed"


def main() -> int:
    bad = False
    for script in sorted(HERE.glob("bench_*.py")):
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent,
                              capture_output=True, text=True)
        lines = [ln for ln in proc.stdout.splitlines() if " target " in ln]
        for ln in lines:
            print(ln, flush=True)
        v = verdict(proc.returncode, lines)
        if v == "failed":
            n = sum(ln.rstrip().endswith("FAIL") for ln in lines)
            print(f"# {script.name}: {n} measure(s) missed the target", flush=True)
        elif v == "crashed":
            print(f"# {script.name} crashed (exit {proc.returncode}):\n{proc.stderr[-2000:]}", flush=True)
        bad |= v != "ok"
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
