"""Laptops that start together do not probe (and so sync) in step."""
from __future__ import annotations

from app.ui.sync.probe import JITTER, Connectivity


def test_probe_waits_are_spread_around_their_period(qapp):
    fleet = [Connectivity(lambda: "http://127.0.0.1:9", interval_ms=30_000, max_interval_ms=300_000)
             for _ in range(50)]
    online = []
    for c in fleet:
        c._schedule(True)
        online.append(c._timer.interval())
        c.stop()
    assert all(30_000 * (1 - JITTER) <= w <= 30_000 * (1 + JITTER) for w in online)
    assert max(online) - min(online) > 30_000 * JITTER     # spread over a good part of the range
    # Offline: the nominal wait doubles up to the cap; the drawn one stays near it.
    c = fleet[0]
    nominal = []
    for _ in range(6):
        nominal.append(c.interval_ms)
        c._schedule(False)
        assert c._timer.interval() <= min(nominal[-1], 300_000) * (1 + JITTER)
        c.stop()
    assert nominal == [30_000, 60_000, 120_000, 240_000, 300_000, 300_000]
