"""`make bench`: runs every benchmarks/bench_*.py in its own process and
prints their lines, one per measure:
    <measure> <value> <unit> target <op> <target> PASS|FAIL
Exit status is non-zero if any measure fails or any script crashes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = False
    for script in sorted(HERE.glob("bench_*.py")):
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent,
                              capture_output=True, text=True)
        lines = [ln for ln in proc.stdout.splitlines() if " target " in ln]
        for ln in lines:
            print(ln, flush=True)
            failed |= ln.rstrip().endswith("FAIL")
        if proc.returncode != 0 or not lines:
            failed = True
            print(f"{script.name} crashed (exit {proc.returncode}):\n{proc.stderr[-2000:]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
