"""Dashboard: the plan's progress per product, agency and city; burn-up
against the deadlines; e-CQS timeliness; silent devices."""
from __future__ import annotations

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy import select

from sync.server.console import charts
from sync.server.console.access import Admin, agency_scope
from sync.server.console.pages import lab_common
from sync.server.console.pages.lab_common import lab_panel
from sync.server.console.web import lang_of, render
from sync.server.console.strings import t
from sync.server.db import utcnow
from sync.server.deps import tx
from sync.server.devices import listing
from sync.server.plan.models import Plan
from sync.server.records import dashboard as service

router = APIRouter(prefix="/console", include_in_schema=False)
DEFAULT_SILENT_DAYS = 2      # e-CQS: a record is due the day after sampling


def current_plan(session, wanted: str | None) -> Plan | None:
    plans = list(session.scalars(select(Plan).order_by(Plan.id.desc())))
    return next((p for p in plans if p.id == wanted), plans[0] if plans else None), plans


@router.get("/dashboard")
def dashboard(request: Request, user: Admin, plan: str | None = None, silent_days: int = DEFAULT_SILENT_DAYS):
    silent_days = min(max(silent_days, 1), 365)
    lang = lang_of(request)
    scope = agency_scope(user)
    with tx(request) as session:
        chosen, plans = current_plan(session, plan)
        board = service.build(session=session, plan_id=chosen.id, agency_id=scope) if chosen else None
        silent = listing.silent(session=session, days=silent_days, agency_id=scope)
        lab_board = lab_panel(request, session, chosen.id, scope) if chosen else None
    now = utcnow()
    burnup_svg = products_svg = ""
    if board:
        b = board.burnup
        burnup_svg = Markup(charts.burnup_svg(b, {
            "title": t("dash.burnup", lang), "target": t("dash.burnup.target", lang, total=b.total),
            "deadline": t("dash.burnup.deadline", lang, date="{date}"), "actual": t("dash.burnup.actual", lang),
            "projection_short": t("dash.burnup.projection_short", lang)}))
        products_svg = Markup(charts.products_svg(board.products, {
            "title": t("dash.products_chart", lang), "sampled": t("dash.col.sampled", lang),
            "refused": t("dash.col.refused", lang), "problem": t("dash.col.problem", lang),
            "planned": t("dash.col.planned", lang)}))
    return render(request, "dashboard.html", user, plans=plans, plan=chosen, board=board, silent=silent,
                  silent_days=silent_days, now=now, burnup_svg=burnup_svg, products_svg=products_svg,
                  lab_board=lab_board, deadline_names=lab_common.DEADLINE)
