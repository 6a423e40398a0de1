"""改派 as the former team's sampler sees it, through the real main window
against the real demo server on loopback: the province moves two of the
team's tasks to another team; after the next sync the summary names each one
with its reason (so nobody drives to a station that is no longer theirs),
the home screen greys them, starting one is refused as reassigned, and the
visit already under way on one of them still opens and goes on."""
from __future__ import annotations

import httpx
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import visits
from app.services.reference import list_tasks
from app.ui.wizard.wizard import VisitWizard
from tests.ui.sync_harness import demo_server, open_window, sign_in, sync_now  # noqa: F401

TEXTS = {
    "zh_CN": {"line": "任务已改派给其他抽样组：{party}（{reason}）",
              "home": "已改派给其他抽样组：{reason}",
              "refusal": "该任务已改派给其他抽样组（原因：{reason}），不能再开始抽样",
              "unchanged": "任务没有变化",
              "reasons": ("二组就近抽样", "王建国病假")},
    "en": {"line": "A task was reassigned to another team: {party} ({reason})",
           "home": "Reassigned to another team: {reason}",
           "refusal": "This task has been reassigned to another sampling team (reason: {reason}); "
                      "a new visit cannot be started on it",
           "unchanged": "No task changes",
           "reasons": ("team 2 is closer", "Wang is on sick leave")},
}


def _second_team(server) -> None:
    """The demo has one team; the province's second one is added in its database."""
    from sync.server.auth import service as accounts
    from sync.server.config import settings_for
    from sync.server.db import Database
    db = Database(settings_for(server.data_dir).db_url)
    try:
        with db.session() as s:
            accounts.add_team(session=s, id="team-demo-2", agency_id="agency-demo", name="第二抽样组")
    finally:
        db.close()


def _reassign_on_server(server, task_id: str, reason: str) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        token = c.post("/v1/auth/login", json={"username": "agency", "password": server.password}).json()["token"]
        r = c.post(f"/v1/tasks/{task_id}/reassign", json={"team_id": "team-demo-2", "reason": reason},
                   headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text


def _boxes() -> list[QMessageBox]:
    return [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    from app.ui import i18n
    i18n.set_language(request.param)
    return request.param


def test_sync_tells_the_former_team_and_the_visit_under_way_goes_on(qtbot, lang, demo_server, open_window):
    text = TEXTS[lang]
    w = open_window(demo_server.url)
    sign_in(qtbot, w, "demo", demo_server.password)
    ws = w.workspace
    tomorrow, under_way, kept = list_tasks(ws)[:3]
    v = visits.start_visit(ws, under_way.id)
    _second_team(demo_server)
    for task, reason in zip((tomorrow, under_way), text["reasons"]):
        _reassign_on_server(demo_server, task.id, reason)

    report = sync_now(qtbot, w)
    assert sorted(r.task_id for r in report.pull.reassigned) == sorted([tomorrow.id, under_way.id])
    sync = w.sync_screen
    lines = sync.message.text().split("\n")
    expected = [text["line"].format(party=t.party_name, reason=r)
                for t, r in zip((tomorrow, under_way), text["reasons"])]
    assert sorted(line for line in lines if line in expected) == sorted(expected), lines
    assert text["unchanged"] not in sync.message.text()          # two tasks did change
    for line in expected:                                         # also in the window's status bar
        assert line in w.message_label.text()

    # Home: both greyed with the reason, the third still to do.
    home = w.home
    w.show_screen("tasks")
    qtbot.waitUntil(lambda: {t.id: t.withdrawn for t in home.tasks.model.rows}.get(tomorrow.id) is True,
                    timeout=10_000)
    m = home.tasks.model
    rows = [t.id for t in m.rows]
    assert m.data(m.index(rows.index(tomorrow.id), 4)) == text["home"].format(reason=text["reasons"][0])
    assert m.data(m.index(rows.index(kept.id), 4)) == ("待抽样" if lang == "zh_CN" else "To sample")

    # Starting it anyway (a stale list) is refused with the reassignment, not a cancellation.
    home.open_task.emit(tomorrow.id)
    qtbot.waitUntil(lambda: bool(_boxes()), timeout=10_000)
    assert [b.text() for b in _boxes()] == [text["refusal"].format(reason=text["reasons"][0])]
    for b in _boxes():
        b.close()
    assert w.current_screen() == "tasks"

    # The visit started before the news opens where it stopped.
    assert [r.id for r in home.running.model.rows] == [v.id]
    home._activate_visit(home.running.model.row_at(0))
    qtbot.waitUntil(lambda: isinstance(w.screens.get("visit"), VisitWizard), timeout=10_000)
    wizard = w.screens["visit"]
    qtbot.waitUntil(wizard.is_idle, timeout=10_000)
    assert w.current_screen() == "visit" and wizard.session.visit_id == v.id and wizard.next_button.isVisible()
