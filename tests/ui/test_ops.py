"""Background ops: results on the GUI thread, GUI responsive, DB ops serialized."""
from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.messages import Problem, RuleViolation
from app.ui import i18n
from app.ui import ops
from app.ui.ops import BgOp, DbOp, OpCancelled


def test_result_arrives_on_gui_thread_while_gui_stays_responsive(qtbot):
    """The op waits until the GUI thread has handled five more timer ticks
    while it runs: had the GUI thread waited for the op, neither would end
    (no clock is read: ticks are counted, not timed)."""
    gui = QApplication.instance().thread()
    ticks: list[int] = []
    target: list[int] = []
    ticked = threading.Event()

    def tick():
        ticks.append(1)
        if target and len(ticks) >= target[0]:
            ticked.set()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    seen = {}

    def slow():
        seen["worker_is_gui"] = QThread.currentThread() is gui
        target.append(len(ticks) + 5)
        seen["gui_ticked_meanwhile"] = ticked.wait(10)
        return 42

    def done(value):
        seen["value"] = value
        seen["callback_is_gui"] = QThread.currentThread() is gui

    DbOp(slow).success(done).run_in_background()
    qtbot.waitUntil(lambda: "value" in seen, timeout=15_000)
    timer.stop()
    assert seen == {"worker_is_gui": False, "gui_ticked_meanwhile": True, "value": 42, "callback_is_gui": True}


def test_db_ops_run_in_order_on_one_thread(qtbot):
    """The first op holds the worker until all five are queued: ops running
    side by side would start before it ends."""
    log: list[tuple[int, str, int]] = []
    queued = threading.Event()

    def job(i):
        log.append((i, "start", threading.get_ident()))
        if i == 0:
            assert queued.wait(10)
        log.append((i, "end", threading.get_ident()))
        return i

    results: list[int] = []
    for i in range(5):
        DbOp(job, i).success(results.append).run_in_background()
    queued.set()
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    assert results == [0, 1, 2, 3, 4]
    assert [(i, s) for i, s, _ in log] == [(i, s) for i in range(5) for s in ("start", "end")]
    assert len({t for _, _, t in log}) == 1


def test_background_ops_run_concurrently(qtbot):
    barrier = threading.Barrier(2, timeout=2)
    done: list[int] = []
    for i in range(2):
        BgOp(lambda i=i: (barrier.wait(), i)[1]).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert sorted(done) == [0, 1]


def test_exception_reaches_failure_callback(qtbot):
    errors: list[BaseException] = []

    def boom():
        raise ValueError("disk full")

    BgOp(boom).success(lambda _: errors.append(None)).failure(errors.append).run_in_background()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "disk full"


def _boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _raise_rules():
    raise RuleViolation([Problem("team.too_few", params={"count": 1}), Problem("party.name")])


def test_default_failure_shows_rule_texts_in_ui_language(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    DbOp(_raise_rules).parent(parent).run_in_background()
    qtbot.waitUntil(lambda: bool(_boxes()), timeout=5000)
    box = _boxes()[0]
    assert box.text() == "抽样人员不得少于2人（当前1人在场）\n请填写受检单位名称"
    box.close()

    i18n.set_language("en")
    DbOp(_raise_rules).parent(parent).run_in_background()
    qtbot.waitUntil(lambda: bool(_boxes()), timeout=5000)
    box = _boxes()[0]
    assert "At least two samplers must be present (now 1)" in box.text()
    assert "Enter the inspected party's name" in box.text()
    box.close()


def test_progress_reaches_gui_and_cancel_stops_the_op(qtbot):
    gui = QApplication.instance().thread()
    updates: list[tuple[int, int, bool]] = []
    finished: list[object] = []
    gate, go_on = threading.Event(), threading.Event()

    def work(report):
        for i in range(1, 1000):
            report(i, 1000, "photo")
            if i == 20:
                gate.set()
                go_on.wait(10)      # the op is cancelled here
        return "all"

    op = BgOp(work).progress(lambda d, t, _text: updates.append((d, t, QThread.currentThread() is gui)))
    op.success(finished.append).failure(finished.append).run_in_background()
    qtbot.waitUntil(lambda: gate.is_set() and bool(updates), timeout=5000)
    op.cancel()
    go_on.set()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=5000)   # the op ended and told the GUI
    assert all(on_gui for _, _, on_gui in updates)
    assert updates[-1][0] < 1000 and updates[0][1] == 1000
    assert finished == []  # cancelled: neither success nor failure


def test_callbacks_dropped_when_parent_deleted(qtbot):
    parent = QWidget()
    got: list[int] = []
    gate = threading.Event()
    DbOp(lambda: (gate.wait(10), 1)[1]).parent(parent).success(got.append).run_in_background()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(parent), timeout=5000)
    gate.set()
    after: list[int] = []
    DbOp(lambda: 2).success(after.append).run_in_background()
    qtbot.waitUntil(lambda: bool(after), timeout=5000)
    assert got == []


def test_ops_must_start_on_gui_thread(qtbot):
    errors: list[BaseException] = []

    def from_worker():
        try:
            DbOp(lambda: 1).run_in_background()
        except RuntimeError as e:
            errors.append(e)

    t = threading.Thread(target=from_worker)
    t.start()
    t.join()
    assert errors and "GUI thread" in str(errors[0])
    assert OpCancelled  # exported for ops that check cancellation themselves


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """Automatic GC off (it could run in a worker and free a Qt object there);
    the guard's timer still collects cycles, on the GUI thread."""
    import gc
    import threading
    import weakref

    from app.ui.ops import DbOp

    done = []
    DbOp(lambda: 1).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: done == [1])
    assert not gc.isenabled()

    class Node:
        pass
    seen_threads = []

    class Probe:
        def __del__(self):
            seen_threads.append(threading.current_thread().name)
    a, b = Node(), Node()
    a.other, b.other, a.probe = b, a, Probe()          # a cycle: only the collector frees it
    ref = weakref.ref(a)
    del a, b
    for _ in range(800):                               # cross the generation-0 threshold
        DbOp(lambda: [object() for _ in range(50)]).run_in_background()
    qtbot.waitUntil(lambda: ref() is None, timeout=5_000)
    assert seen_threads == [threading.main_thread().name]
