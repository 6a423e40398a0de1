"""Issue 13.2: a task whose visit ended says how (已拒检 / 已报送问题 /
已完成) after a restart; 开始抽样 on it makes no second record unless the
sampler explicitly chooses to and says why (kept in the new record); the
read-only banner says 签字确认 only where someone signed."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.domain.visit import EvidenceCategory as C, VisitStatus
from app.domain.workflow import Step
from app.services import evidence, signing, steps, visits
from app.store import visits_repo
from app.ui import ops
from app.ui.app_shell import MainWindow
from app.ui.home.startup import install_home
from app.ui.settings_model import SettingsModel
from app.ui.wizard import VisitWizard
from tests.ui.test_home import click_row, texts
from tests.ui.visit_steps import finish
from tests.ui.clicking import click


def refuse(ws, task_id, make_jpeg):
    v = visits.start_visit(ws, task_id)
    visits.open_exit(ws, v.id, Step.REFUSAL)
    steps.record_refusal(ws, v.id, facts="站长拒绝抽样，称需总公司同意。", evidence_note="现场录像")
    return signing.finish(ws, v.id)


def report_problem(ws, task_id, make_jpeg):
    v = visits.start_visit(ws, task_id)
    visits.open_exit(ws, v.id, Step.PROBLEM)
    steps.record_problem(ws, v.id, description="无法出示成品油零售经营批准证书。")
    evidence.add_evidence(ws, v.id, C.PROBLEM, make_jpeg())
    return signing.finish(ws, v.id)


def start_app(qtbot, data, tmp_path):
    """The app started again on the data folder: window, home, navigator."""
    window = MainWindow(SettingsModel(data_dir=tmp_path / "cfg"))
    qtbot.addWidget(window)
    window.show()
    home = install_home(window, data, prompt_recovery=False)
    qtbot.waitUntil(lambda: home.data is not None, timeout=20_000)
    return window, home


def close_app(qtbot, window):
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10_000)
    if window.workspace is not None:
        window.workspace.close()


def visit_count(ws) -> int:
    with ws.db.session() as s:
        return visits_repo.count_visits(s)


def test_ended_visits_show_their_outcome_after_a_restart(qtbot, seeded, make_jpeg, tmp_path):
    refuse(seeded, "t-gas-1", make_jpeg)
    finish(seeded, make_jpeg, "t-gas-2")
    report_problem(seeded, "t-gas-3", make_jpeg)
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)
    try:
        by_product = dict(zip(texts(home.tasks, 1), texts(home.tasks, 4)))
        assert by_product == {"车用汽油": "已拒检", "车用柴油": "已完成", "车用尿素水溶液": "已报送问题"}
        assert home.running.model.rowCount() == 0 and not home.resume_bar.isVisible()
    finally:
        close_app(qtbot, window)


def test_starting_an_ended_task_needs_an_explicit_choice_and_a_reason(qtbot, seeded, make_jpeg, tmp_path,
                                                                      type_text):
    refused = refuse(seeded, "t-gas-1", make_jpeg)
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)
    ws = window.workspace
    try:
        row = [t.id for t in home.tasks.model.rows].index("t-gas-1")
        click_row(qtbot, home.tasks, row)
        with qtbot.assertNotEmitted(home.open_task, wait=100):
            click(qtbot, home.tasks.button)
        from app.ui.home.restart import RestartDialog
        dlg = home.restart_box
        assert isinstance(dlg, RestartDialog) and dlg.isVisible()
        said = dlg.findChild(QLabel, "restart_text").text()
        assert "已拒检" in said and refused.record_no in said
        assert not dlg.start_button.isEnabled()           # no reason, no new visit
        assert visit_count(ws) == 1

        # 查看原记录: the refused record, read-only; the banner says how it ended.
        click(qtbot, dlg.view_button)
        qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
        wiz = window.screens["visit"]
        qtbot.waitUntil(lambda: wiz.state is not None and wiz.is_idle(), timeout=10_000)
        assert wiz.state.visit.id == refused.id
        banner = wiz.banner.text.text()
        assert "拒检" in banner and "签字确认" not in banner
        assert visit_count(ws) == 1

        # Again, now on purpose with the reason: a new visit, reason in its record.
        window.show_screen("tasks")
        click_row(qtbot, home.tasks, row)
        click(qtbot, home.tasks.button)
        dlg = home.restart_box
        type_text(dlg.reason, "站长到场后同意抽样")
        assert dlg.start_button.isEnabled()
        click(qtbot, dlg.start_button)
        qtbot.waitUntil(lambda: window.screens["visit"] is not wiz and isinstance(window.screens["visit"], VisitWizard),
                        timeout=10_000)
        new = window.screens["visit"]
        qtbot.waitUntil(lambda: new.state is not None and new.is_idle(), timeout=10_000)
        v = new.state.visit
        assert v.id != refused.id and v.status == VisitStatus.IN_PROGRESS
        assert v.restart_of == refused.id and v.restart_reason == "站长到场后同意抽样"
        assert visit_count(ws) == 2
        window.show_screen("tasks")
        qtbot.waitUntil(lambda: texts(home.tasks, 4)[row] == "抽样中", timeout=10_000)
    finally:
        close_app(qtbot, window)


def test_problem_and_finished_banners(qtbot, seeded, make_jpeg):
    from tests.ui.wizard_driver import open_wizard
    problem = report_problem(seeded, "t-gas-3", make_jpeg)
    w = open_wizard(qtbot, seeded, problem.id)
    text = w.banner.text.text()
    assert "问题报送" in text and "签字确认" not in text
    assert not w.banner.amend_button.isVisible()        # nothing signed to amend
    done = finish(seeded, make_jpeg, "t-gas-2")
    w2 = open_wizard(qtbot, seeded, done.id)
    assert "签字确认" in w2.banner.text.text()
