"""Working days with China's public holidays and adjusted working days
(调休), read from resources/calendar/<year>.json; the lab's deadlines on
top of them."""
from __future__ import annotations

import json
from datetime import date

import pytest

from app.domain.lab_rules import Conclusion, DeadlineState, DisposalAction, LabRules, deadline, lab_rules
from app.domain.workdays import WorkCalendar, calendar_files, china_calendar

CAL = china_calendar()


def test_the_data_covers_2022_and_2023():
    assert CAL.covers(date(2022, 10, 1)) and CAL.covers(date(2023, 10, 1))
    assert {p.stem for p in calendar_files()} >= {"2022", "2023"}
    assert CAL.names[date(2022, 10, 3)] == "国庆节"


def test_across_the_national_day_holiday_and_its_adjusted_weekend():
    # testing ends Friday 2022-09-30; 10-01..07 are off; Saturday 10-08 and Sunday 10-09 are worked
    assert not CAL.is_working_day(date(2022, 10, 3))              # a Monday, but National Day
    assert CAL.is_working_day(date(2022, 10, 8))                  # a Saturday, but 调休
    assert CAL.add_working_days(date(2022, 9, 30), 1) == date(2022, 10, 8)
    assert CAL.add_working_days(date(2022, 9, 30), 3) == date(2022, 10, 10)
    assert CAL.working_days_between(date(2022, 9, 30), date(2022, 10, 10)) == 3
    # 2023: 9-29..10-06 off (Mid-Autumn and National Day), Saturday 10-07 and Sunday 10-08 worked
    assert CAL.add_working_days(date(2023, 9, 28), 3) == date(2023, 10, 9)
    assert CAL.add_working_days(date(2023, 10, 6), 1) == date(2023, 10, 7)


def test_an_ordinary_week_and_a_plain_weekend():
    assert CAL.add_working_days(date(2022, 11, 30), 3) == date(2022, 12, 5)     # Wed -> Mon
    assert not CAL.is_working_day(date(2022, 12, 3))
    assert CAL.add_working_days(date(2022, 11, 30), 0) == date(2022, 11, 30)


def test_the_ecqs_results_deadline_uses_working_days():
    rules = lab_rules()
    assert rules.ecqs_working_days == 3
    assert rules.ecqs_due(date(2022, 9, 30), CAL) == date(2022, 10, 10)
    assert rules.ecqs_due(date(2022, 4, 29), CAL) == date(2022, 5, 7)        # Labour Day, then a worked Saturday


def test_the_objection_period_is_15_days_from_delivery_and_ends_on_a_working_day():
    rules = lab_rules()
    assert rules.objection_days == 15
    assert rules.objection_last_day(date(2022, 12, 1), CAL) == date(2022, 12, 16)          # a Friday
    assert rules.objection_last_day(date(2022, 12, 2), CAL) == date(2022, 12, 19)          # Sat 17 -> Mon 19
    assert rules.objection_last_day(date(2022, 9, 20), CAL) == date(2022, 10, 8)           # 10-05 -> worked Saturday
    assert not rules.objection_over(date(2022, 12, 1), date(2022, 12, 16), CAL)
    assert rules.objection_over(date(2022, 12, 1), date(2022, 12, 17), CAL)
    assert not rules.objection_over(None, date(2030, 1, 1), CAL)


def test_other_limits_and_disposal_choices():
    rules = lab_rules()
    assert rules.province_due(date(2022, 12, 1)) == date(2022, 12, 8)
    assert rules.transit_due(date(2022, 9, 29), None, CAL) == date(2022, 10, 11)           # 5 working days
    assert rules.transit_due(date(2022, 9, 29), date(2022, 10, 9), CAL) == date(2022, 10, 9)
    assert rules.reports_due(2022) == date(2022, 12, 20)
    assert rules.disposal_choices(paid=False, conclusion=Conclusion.PASS) == (DisposalAction.RETURN,)
    assert rules.disposal_choices(paid=False, conclusion=Conclusion.FAIL) == (DisposalAction.HAND_OVER,)
    assert set(rules.disposal_choices(paid=True, conclusion=Conclusion.FAIL)) == {
        DisposalAction.DESTROY, DisposalAction.RETAIN, DisposalAction.RETURN}


def test_deadline_states():
    due = date(2022, 12, 8)
    assert deadline("province", due, None, date(2022, 12, 8)).state == DeadlineState.OPEN
    assert deadline("province", due, None, date(2022, 12, 9)).state == DeadlineState.OVERDUE
    assert deadline("province", due, date(2022, 12, 7), date(2022, 12, 30)).state == DeadlineState.DONE
    late = deadline("province", due, date(2022, 12, 10), date(2022, 12, 30))
    assert late.state == DeadlineState.LATE and late.red


def test_limits_are_data(tmp_path):
    doc = json.loads((calendar_files()[0].parent.parent / "lab_rules.json").read_text(encoding="utf-8"))
    doc["objection_period"]["days"] = 30
    doc["disposal"]["paid"] = ["retain"]
    rules = LabRules.from_data(doc)
    assert rules.objection_last_day(date(2022, 12, 1), CAL) == date(2023, 1, 3)     # Sat 12-31, then 元旦
    assert rules.objection_days == 30 and rules.paid == (DisposalAction.RETAIN,)
    cal = WorkCalendar.from_data([{"year": 2030, "holidays": {"x": ["2030-01-02"]}, "workdays": ["2030-01-05"]}])
    assert cal.add_working_days(date(2030, 1, 1), 2) == date(2030, 1, 4)
    assert cal.is_working_day(date(2030, 1, 5))
    with pytest.raises(ValueError):
        WorkCalendar.from_data([{"year": 2030, "holidays": {"x": ["2030-01-05"]}, "workdays": ["2030-01-05"]}])
