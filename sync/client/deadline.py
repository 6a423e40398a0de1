"""The e-CQS entry rule per queued record (the rule itself lives in
app.domain.deadline): 'met' / 'missed' once the server has it; before that
'due', 'near' (within six hours) or 'overdue'."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.domain import deadline as rule
from app.domain.deadline import CHINA, entry_deadline  # noqa: F401 (re-exported)


def deadline_state(sampled_at: datetime, received_at: datetime | None, now: datetime) -> str:
    if received_at is not None:
        return "met" if received_at < entry_deadline(sampled_at) + timedelta(seconds=1) else "missed"
    state = rule.deadline_state(sampled_at, now)
    return "due" if state == "ok" else state
