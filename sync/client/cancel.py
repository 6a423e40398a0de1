"""Cancellation that also interrupts backoff waits."""
from __future__ import annotations

import threading

from app.domain.i18n import N_
from sync.client.errors import Cancelled


class CancelToken:
    def __init__(self):
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("sync cancelled", code="sync.cancelled", text=N_("同步已取消"))

    def sleep(self, seconds: float) -> None:
        """Wait, but wake at once (raising Cancelled) when cancelled."""
        if self._event.wait(max(0.0, seconds)):
            self.check()
