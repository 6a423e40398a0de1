"""Background operations (after Anki's CollectionOp/QueryOp).

    DbOp(store.add_photo, visit_id, path).success(on_added).run_in_background()
    BgOp(ingest, paths).progress(bar.update).success(done).failure(oops).run_in_background()

- DbOp: every database operation runs on ONE long-lived worker thread, in the
  order submitted, so SQLite sees one writer on one connection-owning thread.
- BgOp: everything else (photo ingest, PDF rendering, network) runs on a
  small thread pool.
- success/failure/progress callbacks run on the GUI thread (queued signal);
  the function itself must never touch a widget.
- With .progress(cb), the function is called with a keyword `report`:
  report(done, total=None, text="") emits progress (throttled) and raises
  OpCancelled once op.cancel() was called.
- Without .failure(cb) a failure shows a message box: the texts of a
  RuleViolation in the UI language, or a sentence for the class of error
  (app/services/failures.py; the exception itself is logged).
"""
from __future__ import annotations

import itertools
import logging
import queue
import sys
import threading
import time
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.domain.messages import RuleViolation
from app.ui.i18n import language, tr

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.04  # s between progress signals; the GUI needs no more
MAX_BOX_LINES = 12        # a failure box taller than this would not fit a laptop screen


class OpCancelled(Exception):
    """Raised inside an op by `report()` after cancel(); not a failure."""


class _Bridge(QObject):
    """Lives on the GUI thread; runs callables posted from worker threads."""
    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class _Runner:
    """The DB worker thread, the pool and the GUI-thread bridge."""

    def __init__(self) -> None:
        # Workers compete with the GUI thread for the GIL; a shorter switch
        # interval (default 5 ms) shortens the GUI's waits (issue 5 (b)).
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.002))
        self.bridge = _Bridge()
        self.db_queue: queue.Queue = queue.Queue()
        self.db_thread = threading.Thread(target=self._db_loop, name="db-worker", daemon=True)
        self.db_thread.start()
        from concurrent.futures import ThreadPoolExecutor  # deferred: start-up time
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bg")
        self.pending = 0
        self.lock = threading.Lock()

    def _db_loop(self) -> None:
        while True:
            job = self.db_queue.get()
            if job is None:
                return
            job()
            job = None  # not held while waiting for the next one

    def submit(self, job: Callable[[], None], db: bool) -> None:
        with self.lock:
            self.pending += 1
        if db:
            self.db_queue.put(job)
        else:
            self.pool.submit(job)

    def done(self) -> None:
        with self.lock:
            self.pending -= 1

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Let queued DB work finish (nothing the user saved is dropped)."""
        self.db_queue.put(None)
        self.db_thread.join(timeout)
        self.pool.shutdown(wait=True, cancel_futures=False)
        return not self.db_thread.is_alive()


_runner: _Runner | None = None
_ids = itertools.count(1)


def runner() -> _Runner:
    global _runner
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("background ops must be started from the GUI thread")
    if _runner is None:
        from app.ui import gc_guard
        gc_guard.install()  # before any worker exists: no collection off the GUI thread
        _runner = _Runner()
    return _runner


def pending() -> int:
    """Ops submitted whose callbacks have not run yet."""
    return _runner.pending if _runner else 0


def shutdown(timeout: float = 10.0) -> bool:
    """Drain the DB queue and stop the workers (call on quit)."""
    global _runner
    if _runner is None:
        return True
    r, _runner = _runner, None
    return r.shutdown(timeout)


class _Op:
    _db = False

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.id = next(_ids)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress: Callable[[int, int | None, str], None] | None = None
        self._parent: QObject | None = None
        self._cancel = threading.Event()
        self._last_report = 0.0

    def success(self, cb: Callable[[Any], None]) -> "_Op":
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> "_Op":
        self._failure = cb
        return self

    def progress(self, cb: Callable[[int, int | None, str], None]) -> "_Op":
        self._progress = cb
        return self

    def parent(self, owner: QObject) -> "_Op":
        """Callbacks are dropped if `owner` (a widget, or any QObject whose
        slots the callbacks use) is deleted before they run; the default
        failure box is shown over it when it is a widget."""
        self._parent = owner
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run_in_background(self) -> "_Op":
        r = runner()
        r.submit(lambda: self._work(r), db=self._db)
        return self

    # --- worker side -------------------------------------------------------
    def _report(self, done: int, total: int | None = None, text: str = "") -> None:
        if self._cancel.is_set():
            raise OpCancelled()
        now = time.monotonic()
        if now - self._last_report < PROGRESS_INTERVAL and done != total:
            return
        self._last_report = now
        cb = self._progress
        if cb is not None:
            self._post(lambda: cb(done, total, text))

    def _work(self, r: _Runner) -> None:
        kwargs = dict(self._kwargs)
        if self._progress is not None:
            kwargs["report"] = self._report
        try:
            result = self._fn(*self._args, **kwargs)
        except OpCancelled:
            self._post(r.done)
            return
        except BaseException as e:  # noqa: BLE001 - every failure goes to the GUI
            if not isinstance(e, RuleViolation):
                log.error("op %s (%s) failed", self.id, getattr(self._fn, "__name__", self._fn), exc_info=e)
            error = e
            self._post(lambda: self._finish(r, error=error))
            return
        self._post(lambda: self._finish(r, result=result))

    def _post(self, fn: Callable[[], None]) -> None:
        r = _runner
        if r is not None:
            r.bridge.deliver.emit(fn)

    # --- GUI side ----------------------------------------------------------
    def _alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _finish(self, r: _Runner, result: Any = None, error: BaseException | None = None) -> None:
        r.done()
        try:
            if not self._alive():
                return
            if error is None:
                if self._success is not None:
                    self._success(result)
            elif self._failure is not None:
                self._failure(error)
            else:
                show_failure(error, self._parent if isinstance(self._parent, QWidget) else None)
        finally:
            # Drop every reference to widgets here, on the GUI thread: the
            # worker may hold the op a little longer and must not be the one
            # that frees a Qt object.
            self._success = self._failure = self._progress = None
            self._parent = self._fn = self._args = self._kwargs = None


class DbOp(_Op):
    """A database operation: serialized on the single DB worker thread."""
    _db = True


class BgOp(_Op):
    """Any other slow operation: runs on the thread pool."""
    _db = False


def failure_text(error: BaseException) -> str:
    """What the sampler reads: never the raw exception (that goes to the log)."""
    from app.services.failures import user_text
    return user_text(error, language())


def show_failure(error: BaseException, parent: QWidget | None = None):
    """A non-blocking message box with the problem in the UI language."""
    from PySide6.QtWidgets import QMessageBox  # deferred: start-up time

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("无法完成操作"))
    text = failure_text(error)
    lines = text.splitlines()
    if len(lines) > MAX_BOX_LINES:      # the box must fit the screen: the rest under 显示详细信息
        text = "\n".join(lines[:MAX_BOX_LINES] + [tr("……共{n}项，详见详细信息", n=len(lines))])
        box.setDetailedText(failure_text(error))
    box.setText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
