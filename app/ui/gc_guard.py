"""Garbage collection only on the GUI thread.

Python's cyclic collector runs in whichever thread happens to allocate when
a threshold is crossed. If that is a worker (the DB worker, the pool, the
sync thread) and the garbage holds a Qt object, the object is destroyed off
the GUI thread and the process crashes (seen in our test runs). Like Anki,
turn automatic collection off and collect on a GUI-thread timer instead."""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
_guard: "GcGuard | None" = None


class GcGuard(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        """The collector's own generational schedule, run from here."""
        c0, c1, c2 = gc.get_count()
        if c0 > self.threshold[0]:
            gc.collect(0)
            if c1 > self.threshold[1]:
                gc.collect(1)
                if c2 > self.threshold[2]:
                    gc.collect(2)


def install() -> GcGuard:
    """Idempotent; call on the GUI thread once a QApplication exists."""
    global _guard
    if _guard is None:
        _guard = GcGuard(QCoreApplication.instance())
    return _guard
