"""What every lab page needs: the acting user as the services name it, the
injected clock, the rules and calendar, the samples a user may open (their
agency's; a province sees all), refusal messages, finding texts, and the
lab's photos."""
from __future__ import annotations

from datetime import date, datetime

from fastapi import Request
from sqlalchemy import select

from app.domain import labels
from app.domain.i18n import N_, tr
from app.domain.lab_rules import LabRules, lab_rules
from app.domain.seal_check import RED, SWAP_WHY, TEXT, Finding
from app.domain.workdays import WorkCalendar, china_calendar
from sync.server.console.access import PageError, agency_scope, ensure_visible
from sync.server.console.session import ConsoleUser
from sync.server.console.web import china_time, lang_of, redirect
from sync.server.lab.common import Actor, LabError, china_day
from sync.server.lab.models import BlindSample, LabPhoto, LabSample
from sync.server.records.models import Record, RecordPhoto

KIND = labels.SAMPLE_KIND
STATUS = {"scanned": N_("待确认"), "accepted": N_("已接收"), "rejected": N_("已拒收")}
DEADLINE = {"delivery": N_("结果送达"), "province": N_("不合格报告报送省局"), "ecqs": N_("e-CQS 结果录入"),
            "transit": N_("寄送在途")}


def actor(user: ConsoleUser) -> Actor:
    return Actor(username=user.username, name=user.name, agency_id=user.agency_id)


def now(request: Request) -> datetime:
    return request.app.state.clock()


def today(request: Request) -> date:
    return china_day(now(request))


def rules() -> LabRules:
    return lab_rules()


def calendar() -> WorkCalendar:
    return china_calendar()


def sample_of(session, user: ConsoleUser, sample_id: int) -> LabSample:
    return ensure_visible(user, session.get(LabSample, sample_id))


def blind_of(session, user: ConsoleUser, code: str) -> BlindSample:
    row = session.scalar(select(BlindSample).where(BlindSample.code == code.strip().upper()))
    return ensure_visible(user, row)


def refused(request: Request, url: str, e: LabError):
    return redirect(request, url, flash=e.message(lang_of(request)), error=True)


def _when(value) -> str:
    try:
        return china_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def finding_texts(sample: LabSample, lang: str) -> list[tuple[str, str, bool]]:
    """(code, text, red) of each finding, in the page's language."""
    out = []
    for code in sample.findings:
        f = Finding(code)
        params = dict((sample.params or {}).get(code) or {})
        for key in ("revoked", "when"):
            if key in params:
                params[key] = _when(params[key])
        if f == Finding.SWAPPED:
            why_params = dict(params.pop("why_params", {}) or {})
            for key in ("kind_record", "kind_seal"):
                if key in why_params:
                    why_params[key] = tr(KIND.get(why_params[key], why_params[key]), lang)
            params["why"] = tr(params.get("why") or SWAP_WHY["not_in_record"], lang, **why_params)
        out.append((code, tr(TEXT[f], lang, **params), f in RED))
    return out


def may_read_photo(session, user: ConsoleUser, sha256: str) -> bool:
    """A lab photo of a sample of the user's agency, or a sampling photo of
    a record one of the agency's lab samples belongs to."""
    scope = agency_scope(user)
    lab = select(LabSample.id).join(LabPhoto, LabPhoto.sample_id == LabSample.id).where(LabPhoto.sha256 == sha256)
    rec = (select(Record.id).join(RecordPhoto, RecordPhoto.record_id == Record.id)
           .join(LabSample, LabSample.record_id == Record.id).where(RecordPhoto.sha256 == sha256))
    report = select(BlindSample.id).where(BlindSample.report_sha256 == sha256)
    if scope is not None:
        lab, rec = lab.where(LabSample.agency_id == scope), rec.where(LabSample.agency_id == scope)
        report = report.where(BlindSample.agency_id == scope)
    return any(session.scalar(q.limit(1)) is not None for q in (lab, rec, report))


def not_found() -> PageError:
    return PageError(404, "error.404")


def lab_panel(request: Request, session, plan_id: str, scope: str | None):
    """The lab's part of the dashboard: 不合格 per product, overdue deadlines,
    samples too long in transit."""
    from sync.server.lab import overview
    return overview.board(session=session, plan_id=plan_id, agency_id=scope, rules=rules(), cal=calendar(),
                          today=today(request))
