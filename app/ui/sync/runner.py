"""One sync run on its own thread (sync.client.worker.start_sync, not the
DB worker), its progress and result delivered to the GUI thread through
queued signals: the engine's callbacks never touch a widget."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.syncing import SyncEngine, SyncHandle, start_run


class SyncRunner(QObject):
    """progress(SyncProgress) and finished(SyncReport) arrive on the GUI
    thread (the signals are emitted from the sync thread: queued)."""
    progress = Signal(object)
    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handle: SyncHandle | None = None
        self.auto = False
        self.finished.connect(self._clear)

    @property
    def running(self) -> bool:
        return self.handle is not None

    def start(self, engine: SyncEngine, *, auto: bool = False) -> bool:
        if self.handle is not None:
            return False
        self.auto = auto
        self.handle = start_run(engine, on_progress=self.progress.emit, on_done=self.finished.emit)
        return True

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def stop(self, timeout: float = 5.0) -> None:
        """On quit: cancel and give the run a moment to persist its step."""
        h = self.handle
        if h is not None:
            h.cancel()
            h.thread.join(timeout)

    def _clear(self, _report) -> None:
        self.handle = None
