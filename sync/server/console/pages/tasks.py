"""Tasks: list, assign, reassign (改派), cancel; the 双随机 draw and its
replay; inspected parties and their import (CSV / .xlsx)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from sync.server.auth.models import Agency, Team
from sync.server.console.access import Admin, AdminForm, PageError, agency_scope, ensure_visible
from sync.server.console.web import lang_of, redirect, render, text
from sync.server.deps import tx
from sync.server.errors import ApiError
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.tasks import draw as draws
from sync.server.tasks import listing
from sync.server.tasks import service as tasks
from sync.server.tasks.models import TASK_STATUSES, Draw, Task

router = APIRouter(prefix="/console", include_in_schema=False)


def _problem_text(request: Request, e: ApiError) -> str:
    return e.error.en if lang_of(request) == "en" else e.error.zh


def _teams(session, scope):
    q = select(Team).order_by(Team.agency_id, Team.id)
    return list(session.scalars(q.where(Team.agency_id == scope) if scope is not None else q))


def _items(session):
    return list(session.scalars(select(PlanItem).order_by(PlanItem.plan_id.desc(), PlanItem.seq)))


@router.get("/tasks")
def task_list(request: Request, user: Admin, product: str = "", status: str = "", team: str = "", q: str = "",
              page: int = 1):
    scope = agency_scope(user)
    with tx(request) as session:
        rows, total = listing.tasks(session=session, scope=scope, plan_item_id=product, status=status, team_id=team,
                                    text=q[:100], page=page)
        moves = listing.moves(session=session, task_ids=[r.task.id for r in rows])
        teams, items = _teams(session, scope), _items(session)
        parties = list(session.scalars(select(Party).order_by(Party.name).limit(2000)))
        agencies = {a.id: a.name for a in session.scalars(select(Agency))}
    return render(request, "tasks.html", user, rows=rows, total=total, page=max(page, 1), per_page=50, moves=moves,
                  teams=teams, items=items, parties=parties, agencies=agencies, statuses=TASK_STATUSES,
                  sel={"product": product, "status": status, "team": team, "q": q})


@router.post("/tasks")
def assign(request: Request, user: Admin, form: AdminForm):
    scope = agency_scope(user)
    try:
        with tx(request) as session:
            team = ensure_visible(user, session.get(Team, str(form.get("team_id") or "")))
            task = tasks.create_task(session=session, plan_item_id=str(form.get("plan_item_id") or ""),
                                     party_id=str(form.get("party_id") or "").strip(), team_id=team.id,
                                     due_date=str(form.get("due_date") or ""), notes=str(form.get("notes") or ""),
                                     actor=user.username, agency_scope=scope)
            task_id = task.id
    except ApiError as e:
        return redirect(request, "/console/tasks", flash=_problem_text(request, e), error=True)
    return redirect(request, f"/console/tasks?q={task_id}", flash=text(request, "task.assigned_ok", id=task_id))


def _visible_task(session, user, task_id: str) -> Task:
    return ensure_visible(user, session.get(Task, task_id))


@router.post("/tasks/{task_id}/reassign")
def reassign(request: Request, user: Admin, form: AdminForm, task_id: str):
    scope = agency_scope(user)
    try:
        with tx(request) as session:
            _visible_task(session, user, task_id)
            team = ensure_visible(user, session.get(Team, str(form.get("team_id") or "")))
            tasks.reassign_task(session=session, task_id=task_id, team_id=team.id,
                                reason=str(form.get("reason") or ""), actor=user.username, agency_scope=scope)
    except ApiError as e:
        return redirect(request, f"/console/tasks?q={task_id}", flash=_problem_text(request, e), error=True)
    return redirect(request, f"/console/tasks?q={task_id}", flash=text(request, "task.reassigned_ok", id=task_id))


@router.post("/tasks/{task_id}/cancel")
def cancel(request: Request, user: Admin, form: AdminForm, task_id: str):
    reason = str(form.get("reason") or "").strip()
    try:
        with tx(request) as session:
            _visible_task(session, user, task_id)
            if not reason:
                raise ApiError(422, "task.move_reason")
            tasks.cancel_task(session=session, task_id=task_id, reason=reason, actor=user.username,
                              agency_scope=agency_scope(user))
    except ApiError as e:
        return redirect(request, f"/console/tasks?q={task_id}", flash=_problem_text(request, e), error=True)
    return redirect(request, f"/console/tasks?q={task_id}", flash=text(request, "task.cancelled_ok", id=task_id))


# --- 双随机 -------------------------------------------------------------------

@router.get("/draws")
def draw_page(request: Request, user: Admin):
    scope = agency_scope(user)
    with tx(request) as session:
        q = select(Draw).order_by(Draw.id.desc()).limit(100)
        history = list(session.scalars(q.where(Draw.agency_id == scope) if scope is not None else q))
        items = {i.id: i for i in _items(session)}
        agencies = list(session.scalars(select(Agency).order_by(Agency.id)))
    if scope is not None:
        agencies = [a for a in agencies if a.id == scope]
    return render(request, "draws.html", user, history=history, items=items, agencies=agencies)


@router.post("/draws")
def run_draw(request: Request, user: Admin, form: AdminForm):
    scope = agency_scope(user)
    try:
        count = int(str(form.get("count") or "0"))
        if not 1 <= count <= 1000:
            raise ValueError
    except ValueError:
        return redirect(request, "/console/draws", flash=text(request, "draw.bad_count"), error=True)
    raw_seed = str(form.get("seed") or "").strip()
    try:
        seed = int(raw_seed) if raw_seed else None
        if seed is not None and not 0 <= seed < 2 ** 63:
            raise ValueError
    except ValueError:
        return redirect(request, "/console/draws", flash=text(request, "draw.bad_seed"), error=True)
    agency = scope if scope is not None else (str(form.get("agency_id") or "") or None)
    try:
        with tx(request) as session:
            record, made = draws.draw_recorded(session=session, plan_item_id=str(form.get("plan_item_id") or ""),
                                               count=count, agency_id=agency, due_date=str(form.get("due_date") or ""),
                                               seed=seed, actor=user.username)
            draw_id, n, c, used_seed = record.id, len(made), len(record.candidates), record.seed
    except ApiError as e:
        return redirect(request, "/console/draws", flash=_problem_text(request, e), error=True)
    return redirect(request, f"/console/draws/{draw_id}", flash=text(request, "draw.done", n=n, c=c, seed=used_seed))


@router.get("/draws/{draw_id}")
def draw_detail(request: Request, user: Admin, draw_id: int):
    scope = agency_scope(user)
    with tx(request) as session:
        d = session.get(Draw, draw_id)
        if d is None or (scope is not None and d.agency_id != scope):
            raise PageError(404, "error.404")
        parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(d.candidates)))}
        teams = {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(d.teams)))}
        item = session.get(PlanItem, d.plan_item_id)
    replay = draws.replay(d)
    same = [list(p) for p in replay] == [row[:2] for row in d.drawn]
    return render(request, "draw.html", user, d=d, parties=parties, teams=teams, item=item, replay_ok=same)
