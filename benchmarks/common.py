"""Helpers shared by the benchmark scripts."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator


# Exit status of a bench script whose measures all ran but one missed its
# target (an uncaught exception exits with 1, a signal with a negative code).
MISSED = 3


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of `repeat` runs, in seconds (median resists one noisy run)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(measure: str, value: float, unit: str, op: str, target: float, *, baseline: str = "") -> bool:
    """One line per measure, read by run_all.py:
        <measure> <value> <unit> [(<baseline>)] target <op> <target> PASS|FAIL
    `baseline` says what the value was measured against in the same run
    (e.g. "app 412 ms / bare 349 ms"), so a regression can be told from a
    slow machine."""
    ok = value <= target if op == "<=" else value >= target
    base = f" ({baseline})" if baseline else ""
    print(f"{measure} {value:.3f} {unit}{base} target {op} {target:g} {'PASS' if ok else 'FAIL'}", flush=True)
    return ok


@contextmanager
def busy_core() -> Iterator[subprocess.Popen]:
    """A second process keeping one core busy for the duration (what an
    antivirus scan or a sync does to a laptop), so a figure measured inside
    is not a quiet-machine figure."""
    # It stops by itself once this process is gone (killed, or a pipe closed
    # under it): an orphan would burn a core until someone noticed.
    spin = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    pass"
    proc = subprocess.Popen([sys.executable, "-c", spin],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()
