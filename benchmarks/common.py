"""Helpers shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of `repeat` runs, in seconds (median resists one noisy run)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(measure: str, value: float, unit: str, op: str, target: float) -> bool:
    ok = value <= target if op == "<=" else value >= target
    print(f"{measure} {value:.3f} {unit} target {op} {target:g} {'PASS' if ok else 'FAIL'}", flush=True)
    return ok
