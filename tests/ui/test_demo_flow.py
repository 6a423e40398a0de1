"""What `make run` promises, through the real widgets: the demo server's
tasks reach the home screen, a visit is walked in the wizard, 立即同步
delivers it with its photos, and the server's progress counts it."""
from __future__ import annotations


from app.domain.visit import VisitStatus
from app.services import visits
from app.ui.wizard import VisitWizard
from tests.ui.sync_harness import cell, column, demo_server, open_window, sign_in, sync_now  # noqa: F401
from tests.ui.test_home import click_row
from tests.ui.test_wizard_complete import walk_to_documents
from tests.ui.wizard_driver import Driver
from tests.ui.clicking import click


def test_walk_a_pulled_task_and_sync_it(qtbot, demo_server, open_window, make_jpeg, type_text):
    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    w.show_screen("tasks")
    home = w.home
    qtbot.waitUntil(lambda: home.tasks.model.rowCount() == 7, timeout=10_000)
    row = next(i for i, t in enumerate(home.tasks.model.rows)
               if t.party_name.startswith("太原市小店区晋阳") and t.products == "车用汽油")
    click_row(qtbot, home.tasks, row)
    click(qtbot, home.tasks.button)
    qtbot.waitUntil(lambda: isinstance(w.screens["visit"], VisitWizard), timeout=10_000)
    wizard = w.screens["visit"]
    d = Driver(qtbot, wizard, type_text)
    d.idle()
    walk_to_documents(d, make_jpeg)
    with qtbot.waitSignal(wizard.finished, timeout=10_000) as sig:
        d.next()
    visit_id, status = sig.args
    assert status == "finished"
    d.idle()
    assert "等待同步" in w.message_label.text()
    report = sync_now(qtbot, w)
    assert [(i.visit_id, i.status) for i in report.items] == [(visit_id, "sent")]
    m = w.sync_screen.model
    assert cell(m, 0, column(m, "同步状态")) == "已送达" and cell(m, 0, column(m, "录入期限")) == "已按期录入"
    assert cell(m, 0, column(m, "结果")) == "已完成"
    # Delivered: "waiting for sync" is no longer true and leaves the status bar.
    assert "等待同步" not in w.message_label.text()
    assert visits.load(w.workspace, visit_id).status == VisitStatus.FINISHED
    progress = demo_server.progress()["车用汽油"]
    assert progress["sampled"] == 1 and progress["synced"] == 1
