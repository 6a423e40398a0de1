"""One open visit as seen by the wizard: every change goes through a
service on the DB worker (DbOp, in submission order), never on the GUI
thread; results come back as signals. Pages only call `save(...)`.

A change comes back with the step state after it (visits.apply, after
Anki's OpChanges): one round trip, not a change and then a re-read. Every op
has this session as its parent: when the wizard closes, an op still in
flight finishes its work (nothing saved is lost) but touches no widget."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.domain.messages import RuleViolation
from app.domain.visit import Visit
from app.domain.workflow import Step
from app.services import signing, visits
from app.services.visits import Changes, StepState
from app.services.workspace import Workspace
from app.ui.ops import BgOp, DbOp, show_failure


class VisitSession(QObject):
    state_changed = Signal(object)        # StepState, after every change
    saved = Signal(object)                # Visit after a field change
    save_failed = Signal(str, object)     # key of the field, RuleViolation
    save_ok = Signal(str)                 # key of the field (clears its error)
    refused = Signal(object)              # RuleViolation from advance/finish
    finished = Signal(object)             # the frozen Visit
    busy_changed = Signal(bool)

    def __init__(self, ws: Workspace, visit_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.visit_id = visit_id
        self.state: StepState | None = None
        self._in_flight = 0

    # --- bookkeeping -----------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._in_flight > 0

    def _begin(self) -> None:
        self._in_flight += 1
        if self._in_flight == 1:
            self.busy_changed.emit(True)

    def _end(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self.busy_changed.emit(False)

    def _db(self, fn: Callable[..., Any], *args: Any, ok: Callable[[Any], None] | None = None,
            fail: Callable[[BaseException], None] | None = None, **kwargs: Any) -> None:
        self._begin()

        def success(result: Any) -> None:
            self._end()
            if ok is not None:
                ok(result)

        def failure(error: BaseException) -> None:
            self._end()
            if fail is not None and isinstance(error, RuleViolation):
                fail(error)
            else:
                show_failure(error, self.parent() if self.parent() is not None else None)
        self._owned(DbOp(fn, *args, **kwargs).success(success).failure(failure)).run_in_background()

    def _owned(self, op):
        """Callbacks are dropped once the wizard is gone (another visit was
        opened): they would reach deleted widgets. The work itself is done."""
        owner = self.parent()
        return op.parent(owner) if isinstance(owner, QWidget) else op.parent(self)

    def _change(self, fn: Callable[..., Any], *args: Any, done: Callable[[Changes], None], **kwargs: Any) -> None:
        """`fn(ws, visit_id, ...)` and the step state after it, in one op."""
        self._db(visits.apply, self.ws, self.visit_id, fn, *args, ok=done, **kwargs)

    # --- reading ---------------------------------------------------------
    def refresh(self) -> None:
        self._db(visits.state, self.ws, self.visit_id, ok=self._set_state)

    def _set_state(self, st: StepState) -> None:
        self.state = st
        self.state_changed.emit(st)

    # --- field changes ---------------------------------------------------
    def save(self, key: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run a service `fn(ws, visit_id, *args, **kwargs)` as an autosave.
        `key` names the edited field so its error can be shown beside it."""
        def done(ch: Changes) -> None:
            if ch.refused is not None:      # the field shows why; what was typed stays
                self.save_failed.emit(key, ch.refused)
                return
            self.save_ok.emit(key)
            if isinstance(ch.result, Visit):
                self.saved.emit(ch.result)
            self._set_state(ch.state)
        self._change(fn, *args, done=done, **kwargs)

    def run_bg(self, fn: Callable[..., Any], *args: Any, ok: Callable[[Any], None],
               fail: Callable[[BaseException], None] | None = None,
               progress: Callable[[int, int | None, str], None] | None = None) -> None:
        """Slow work off the DB worker (photo ingest, PDF rendering)."""
        self._begin()

        def success(result: Any) -> None:
            self._end()
            ok(result)

        def failure(error: BaseException) -> None:
            self._end()
            (fail or (lambda e: show_failure(e)))(error)
        op = self._owned(BgOp(fn, *args).success(success).failure(failure))
        if progress is not None:
            op.progress(progress)
        op.run_in_background()

    def run_db(self, fn: Callable[..., Any], *args: Any, ok: Callable[[Any], None] | None = None,
               fail: Callable[[BaseException], None] | None = None, **kwargs: Any) -> None:
        """A service call `fn(ws, visit_id, ...)` whose result the caller handles."""
        def done(ch: Changes) -> None:
            if ch.refused is not None:      # the dialog shows why; what was entered stays
                (fail or show_failure)(ch.refused)
                return
            if isinstance(ch.result, Visit):
                self.saved.emit(ch.result)
            if ok is not None:
                ok(ch.result)
            self._set_state(ch.state)
        self._change(fn, *args, done=done, **kwargs)

    # --- navigation ------------------------------------------------------
    def _navigated(self, ch: Changes) -> None:
        if ch.refused is not None:
            self.refused.emit(ch.refused)
        self._set_state(ch.state)

    def advance(self) -> None:
        self._change(visits.advance, done=self._navigated)

    def back(self) -> None:
        self._change(visits.back, done=self._navigated)

    def go_to(self, step: Step, reached: Callable[[Step], None] | None = None) -> None:
        """The step list: open `step` by the rules of 上一步 / 下一步."""
        def done(ch: Changes) -> None:
            if ch.refused is None and reached is not None:
                reached(ch.result)          # before the state: the page shows what it misses
            self._navigated(ch)
        self._change(visits.go_to, step, done=done)

    def open_exit(self, step: Step) -> None:
        self._change(visits.open_exit, step, done=self._navigated)

    def finish(self) -> None:
        def done(ch: Changes) -> None:
            if ch.refused is None:
                self.finished.emit(ch.result)
            self._navigated(ch)
        self._change(signing.finish, done=done)
