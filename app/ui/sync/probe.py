"""Is the provincial server reachable? A cheap GET /v1/health on the thread
pool every 30 s while it answers; while it does not, the wait doubles up to
5 minutes (a laptop in a dead zone should not keep the radio busy). A
manual sync or a changed address probes at once.

Each wait is drawn within ±25 % of its nominal length, so laptops that
started together, or that all lost a server which then came back, drift
apart instead of syncing in step (benchmarks/bench_sync.py measures the
server with the whole fleet arriving within 20 s, shorter than one 30 s
period)."""
from __future__ import annotations

import random
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.services import syncing
from app.ui.ops import BgOp

PROBE_MS = 30_000
MAX_PROBE_MS = 300_000
JITTER = 0.25


class Connectivity(QObject):
    """changed(online: bool | None) when the state flips (None: no server
    address); probed(online) after every probe."""
    changed = Signal(object)
    probed = Signal(object)

    def __init__(self, server_url: Callable[[], str], *, interval_ms: int = PROBE_MS,
                 max_interval_ms: int = MAX_PROBE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server_url = server_url
        self.base_ms, self.max_ms = interval_ms, max_interval_ms
        self.interval_ms = interval_ms
        self.online: bool | None = None
        self._busy = False
        self._rng = random.Random()
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.probe_now)

    def start(self) -> None:
        self.probe_now()

    def stop(self) -> None:
        self._timer.stop()

    def probe_now(self) -> None:
        self._timer.stop()
        url = self.server_url()
        if not url:
            self._set(None)
            self._timer.start(self.base_ms)
            return
        if self._busy:
            return
        self._busy = True
        # Parented: a probe answering after the sync screen is gone is dropped.
        BgOp(syncing.probe, url).success(self._result).failure(lambda _e: self._result(False)) \
            .parent(self).run_in_background()

    def report(self, online: bool) -> None:
        """A sync run learned the answer first (e.g. the link dropped)."""
        self._set(online)
        self._schedule(online)

    def _result(self, online: bool) -> None:
        self._busy = False
        self._set(online)
        self._schedule(online)
        self.probed.emit(online)

    def _schedule(self, online: bool) -> None:
        if online:
            self.interval_ms = wait = self.base_ms
        else:   # 30 s, 60 s, 120 s … up to the cap
            wait, self.interval_ms = self.interval_ms, min(self.max_ms, self.interval_ms * 2)
        self._timer.start(round(wait * self._rng.uniform(1 - JITTER, 1 + JITTER)))

    def _set(self, online: bool | None) -> None:
        if online != self.online:
            self.online = online
            self.changed.emit(online)
