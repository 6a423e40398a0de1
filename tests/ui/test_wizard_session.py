"""The wizard's VisitSession and the DB worker: an autosave comes back with
the new step state in the same op (no second round trip, after Anki's
OpChanges), and an autosave still in flight when the wizard closes is kept
on disk without touching the deleted widgets."""
from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

from app.services import steps, visits
from app.ui import ops
from app.ui.wizard import VisitWizard
from tests.ui.wizard_driver import open_wizard


def _count_db_ops(monkeypatch) -> list[str]:
    """Names of the functions run on the DB worker from now on."""
    seen: list[str] = []
    run = ops.DbOp.run_in_background

    def counted(op):
        seen.append(getattr(op._fn, "__name__", str(op._fn)))
        return run(op)
    monkeypatch.setattr(ops.DbOp, "run_in_background", counted)
    return seen


def test_autosave_returns_the_new_step_state_in_one_op(qtbot, seeded, monkeypatch):
    v = visits.start_visit(seeded, "t-gas-1")
    w = open_wizard(qtbot, seeded, v.id)
    assert [p.code for p in w.state.missing] and w.state.step.value == "arrive"
    ran = _count_db_ops(monkeypatch)
    with qtbot.waitSignal(w.session.state_changed, timeout=10_000) as sig:
        w.session.save("shown", steps.record_shown_documents, inspection_notice=True, sampler_ids=True,
                       authorization_letter=True)
    state = sig.args[0]
    assert ran == ["apply"]                                  # the change and the state: one op
    assert state.visit.shown.inspection_notice and state.missing == [] and w.state is state
    qtbot.waitUntil(lambda: ops.pending() == 0)
    assert ran == ["apply"]                                  # and no re-read after it
    # A refused navigation brings the unchanged state with it too.
    w.session.save("shown", steps.record_shown_documents, inspection_notice=False)
    qtbot.waitUntil(lambda: ops.pending() == 0)
    ran.clear()
    with qtbot.waitSignals([w.session.refused, w.session.state_changed], timeout=10_000):
        w.session.advance()
    assert ran == ["apply"] and w.state.step.value == "arrive" and w.state.missing


def test_autosave_in_flight_when_the_wizard_closes_is_kept_and_touches_no_widget(qtbot, seeded):
    v = visits.start_visit(seeded, "t-gas-1")
    w = VisitWizard(seeded, v.id)
    w.show()
    qtbot.waitUntil(lambda: w.state is not None and ops.pending() == 0, timeout=10_000)
    session = w.session
    gate = threading.Event()
    ops.DbOp(gate.wait, 10).run_in_background()            # the DB worker is busy elsewhere
    session.save("remarks", steps.record_remarks, "关门前写下的备注")
    session.run_db(steps.record_remarks, "又改了一次")
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(session)                   # the wizard and its session are gone
    gate.set()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)   # their callbacks ran: nothing raised
    assert visits.load(seeded, v.id).remarks == "又改了一次"         # and nothing saved was lost
