"""Issue 13.9: every time on screen (and in the record number) is China time
whatever zone the laptop is set to; a status-bar message about one visit
does not follow the sampler to the next one."""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest

from app.domain.workflow import Step
from app.services import steps, visits
from app.ui.wizard import VisitWizard
from tests.ui.test_task_outcomes import close_app, start_app
from tests.ui.visit_steps import finish
from tests.ui.wizard_driver import open_wizard
from tests.ui.clicking import click

UTC = timezone.utc


@pytest.fixture
def new_york_laptop():
    """The laptop's clock set to another zone (UTC-5 in November)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_times_on_screen_are_china_time(qtbot, seeded, make_jpeg, clock, new_york_laptop, tmp_path):
    assert datetime(2022, 11, 15, 2, 30, tzinfo=UTC).astimezone().hour == 21   # the laptop says 21:30
    v = visits.start_visit(seeded, "t-gas-1")
    visits.open_exit(seeded, v.id, Step.REFUSAL)
    steps.record_refusal(seeded, v.id, facts="拒绝抽样")
    w = open_wizard(qtbot, seeded, v.id)
    assert w.page.when.text() == "2022-11-15 10:30"          # 02:30 UTC
    done = finish(seeded, make_jpeg, "t-gas-2")
    w2 = open_wizard(qtbot, seeded, done.id)
    assert "2022-11-15 10:30" in w2.banner.text.text()

    from app.ui.app_shell import MainWindow
    from app.ui.settings_model import SettingsModel
    win = MainWindow(SettingsModel(data_dir=tmp_path))
    qtbot.addWidget(win)
    win.set_last_sync(datetime(2022, 11, 15, 15, 7, tzinfo=UTC))
    assert win.last_sync_label.text() == "上次同步：2022-11-15 23:07"


def test_the_record_number_carries_the_china_date(seeded, clock, new_york_laptop):
    clock.now = datetime(2022, 11, 15, 17, 30, tzinfo=UTC)   # 01:30 on the 16th in China, 12:30 on the 15th here
    v = visits.start_visit(seeded, "t-gas-1")
    assert "-20221116-" in v.record_no


def test_a_visit_message_does_not_follow_to_the_next_visit(qtbot, seeded, make_jpeg, tmp_path, type_text):
    from tests.ui.wizard_driver import Driver
    v = visits.start_visit(seeded, "t-gas-1")
    visits.open_exit(seeded, v.id, Step.REFUSAL)
    steps.record_refusal(seeded, v.id, facts="站长拒绝抽样", evidence_note="现场录像")
    data = seeded.data_dir
    seeded.close()
    window, home = start_app(qtbot, data, tmp_path)
    try:
        click(qtbot, home.resume_bar.button)
        qtbot.waitUntil(lambda: isinstance(window.screens["visit"], VisitWizard), timeout=10_000)
        wiz = window.screens["visit"]
        d = Driver(qtbot, wiz, type_text)
        d.idle()
        with qtbot.waitSignal(wiz.finished, timeout=10_000):
            d.next()                                    # 完成, confirmed
        assert "等待同步报送省局" in window.message_label.text()
        window.navigator.start_visit("t-gas-2")         # the next visit
        qtbot.waitUntil(lambda: window.screens["visit"] is not wiz, timeout=10_000)
        assert window.message_label.text() == ""
    finally:
        close_app(qtbot, window)
