"""The inspection lab's time limits and disposal rules, read from
resources/lab_rules.json (the notice and 《产品质量监督抽查管理暂行办法》
fix them; a province may change them, so they are data):

- objection period (异议期): 15 days from the day the result reaches the
  party; the day of delivery is not counted, and a last day that falls on a
  holiday moves to the next working day (as legal periods do);
- failed reports reach the province within 7 days of the report date;
- e-CQS results entry within 3 working days after testing ends;
- samples reach the lab within 5 working days of sending, or by the
  shipment's own 寄送样截止日期;
- all reports delivered by the plan's date (12-20).
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.domain import resources
from app.domain.workdays import WorkCalendar


class Conclusion(str, enum.Enum):
    PASS = "pass"          # 合格
    FAIL = "fail"          # 不合格


class DisposalAction(str, enum.Enum):
    RETURN = "return"          # 退还受检单位
    HAND_OVER = "hand_over"    # 交由负责结果处理的市场监督管理部门
    DESTROY = "destroy"        # 销毁
    RETAIN = "retain"          # 留存


@dataclass(frozen=True)
class LabRules:
    objection_days: int = 15
    objection_moves_past_holidays: bool = True
    failed_report_days: int = 7
    ecqs_working_days: int = 3
    transit_working_days: int = 5
    reports_delivered_default: str = "12-20"          # month-day, the plan's year
    unpaid_pass: tuple[DisposalAction, ...] = (DisposalAction.RETURN,)
    unpaid_fail: tuple[DisposalAction, ...] = (DisposalAction.HAND_OVER,)
    paid: tuple[DisposalAction, ...] = (DisposalAction.DESTROY, DisposalAction.RETAIN, DisposalAction.RETURN)

    @classmethod
    def from_data(cls, doc: dict) -> "LabRules":
        d = doc.get("disposal") or {}

        def actions(key: str, default):
            return tuple(DisposalAction(a) for a in d[key]) if key in d else default
        return cls(objection_days=int(doc["objection_period"]["days"]),
                   objection_moves_past_holidays=bool(doc["objection_period"].get("last_day_moves_past_holidays", True)),
                   failed_report_days=int(doc["failed_report_to_province"]["days"]),
                   ecqs_working_days=int(doc["ecqs_results"]["working_days"]),
                   transit_working_days=int(doc["transit"]["working_days"]),
                   reports_delivered_default=str(doc.get("reports_delivered_default", "12-20")),
                   unpaid_pass=actions("unpaid_pass", cls.unpaid_pass),
                   unpaid_fail=actions("unpaid_fail", cls.unpaid_fail), paid=actions("paid", cls.paid))

    # --- the limits ---
    def objection_last_day(self, delivered_on: date, cal: WorkCalendar) -> date:
        last = delivered_on + timedelta(days=self.objection_days)
        return cal.next_working_day(last) if self.objection_moves_past_holidays else last

    def objection_over(self, delivered_on: date | None, today: date, cal: WorkCalendar) -> bool:
        return delivered_on is not None and today > self.objection_last_day(delivered_on, cal)

    def province_due(self, report_date: date) -> date:
        return report_date + timedelta(days=self.failed_report_days)

    def ecqs_due(self, testing_ended_on: date, cal: WorkCalendar) -> date:
        return cal.add_working_days(testing_ended_on, self.ecqs_working_days)

    def transit_due(self, sent_on: date, deadline: date | None, cal: WorkCalendar) -> date:
        return deadline or cal.add_working_days(sent_on, self.transit_working_days)

    def reports_due(self, plan_year: int, plan_date: date | None = None) -> date:
        if plan_date is not None:
            return plan_date
        month, day = (int(x) for x in self.reports_delivered_default.split("-"))
        return date(plan_year, month, day)

    def disposal_choices(self, *, paid: bool, conclusion: Conclusion) -> tuple[DisposalAction, ...]:
        """Unpaid samples: returned if they passed, handed to the city bureau
        if they failed; paid ones: whichever the lab chooses."""
        if paid:
            return self.paid
        return self.unpaid_pass if conclusion == Conclusion.PASS else self.unpaid_fail


class DeadlineState(str, enum.Enum):
    OPEN = "open"          # not done, not yet due
    OVERDUE = "overdue"    # not done, past due
    DONE = "done"          # done in time
    LATE = "late"          # done after the due day


@dataclass(frozen=True)
class Deadline:
    kind: str              # delivery | province | ecqs | transit
    due: date
    done_on: date | None
    state: DeadlineState

    @property
    def red(self) -> bool:
        return self.state in (DeadlineState.OVERDUE, DeadlineState.LATE)


def deadline(kind: str, due: date, done_on: date | None, today: date) -> Deadline:
    if done_on is not None:
        state = DeadlineState.DONE if done_on <= due else DeadlineState.LATE
    else:
        state = DeadlineState.OVERDUE if today > due else DeadlineState.OPEN
    return Deadline(kind, due, done_on, state)


def rules_path():
    base = resources.find("lab_rules.json")
    return (base or resources.candidates()[0]) / "lab_rules.json"


@lru_cache(maxsize=1)
def lab_rules() -> LabRules:
    return LabRules.from_data(json.loads(rules_path().read_text(encoding="utf-8")))
