"""Run a sync in a background thread: the GUI binds on_progress/on_done
(called from that thread; a Qt UI forwards them with a queued signal) and may
cancel at any time."""
from __future__ import annotations

import threading
from typing import Callable

from sync.client.cancel import CancelToken
from sync.client.engine import SyncEngine, SyncProgress, SyncReport


class SyncHandle:
    def __init__(self, engine: SyncEngine, on_progress: Callable[[SyncProgress], None] | None,
                 on_done: Callable[[SyncReport], None] | None, **run_kw):
        self.cancel_token = CancelToken()
        self.report: SyncReport | None = None
        self.error: BaseException | None = None

        def body() -> None:
            try:
                self.report = engine.run(cancel=self.cancel_token, on_progress=on_progress, **run_kw)
            except BaseException as e:   # surfaced to the GUI, never lost in a thread
                self.error = e
            if on_done is not None and self.report is not None:
                on_done(self.report)
        self.thread = threading.Thread(target=body, name="field-sampler-sync", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def join(self, timeout: float | None = None) -> SyncReport | None:
        self.thread.join(timeout)
        if self.error is not None:
            raise self.error
        return self.report

    @property
    def running(self) -> bool:
        return self.thread.is_alive()


def start_sync(engine: SyncEngine, *, on_progress: Callable[[SyncProgress], None] | None = None,
               on_done: Callable[[SyncReport], None] | None = None, **run_kw) -> SyncHandle:
    return SyncHandle(engine, on_progress, on_done, **run_kw)
