"""双随机: draw the inspected parties and the sampling teams at random.

Parties are drawn from those whose scope the plan item allows and that can
still take this batch (no task yet for this product there, fewer than two
tasks there in this plan); each drawn party gets a randomly drawn team of the
agency. Every draw is kept (tasks.models.Draw): its seed and the candidate
parties and teams in order, so replay() gives the same parties and teams.
A task closed as 未抽到样品 holds no slot and takes none of the party's two
batches, but the party is not drawn again for that product (it had none)."""
from __future__ import annotations

import random
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.rules import MAX_BATCHES_PER_PARTY
from sync.server.audit import service as audit
from sync.server.auth.models import Team
from sync.server.errors import ApiError
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.tasks.models import SLOT_FREE, Draw, Task
from sync.server.tasks.service import create_task


def pick(*, seed: int, candidates: list[str], teams: list[str], count: int) -> list[tuple[str, str]]:
    """The draw itself: (party id, team id) pairs. Pure, so it replays."""
    rng = random.Random(seed)
    parties = rng.sample(candidates, min(count, len(candidates)))
    return [(p, rng.choice(teams)) for p in parties]


def replay(d: Draw) -> list[tuple[str, str]]:
    return pick(seed=d.seed, candidates=list(d.candidates), teams=list(d.teams), count=d.requested)


def draw(*, session: Session, plan_item_id: str, count: int, agency_id: str | None = None,
         due_date: str = "", seed: int | None = None, actor: str = "cli") -> list[Task]:
    return draw_recorded(session=session, plan_item_id=plan_item_id, count=count, agency_id=agency_id,
                         due_date=due_date, seed=seed, actor=actor)[1]


def draw_recorded(*, session: Session, plan_item_id: str, count: int, agency_id: str | None = None,
                  due_date: str = "", seed: int | None = None, actor: str = "cli") -> tuple[Draw, list[Task]]:
    item = session.get(PlanItem, plan_item_id)
    if item is None:
        raise ApiError(404, "not_found", what=plan_item_id)
    teams_q = select(Team).order_by(Team.id)
    if agency_id is not None:
        teams_q = teams_q.where(Team.agency_id == agency_id)
    teams = list(session.scalars(teams_q))
    if not teams:
        raise ApiError(404, "not_found", what="team")
    live = select(Task).where(Task.plan_id == item.plan_id, Task.status != "cancelled")
    tasks = list(session.scalars(live))
    per_party: dict[str, int] = {}
    same_item = set()
    for t in tasks:
        if t.status not in SLOT_FREE:
            per_party[t.party_id] = per_party.get(t.party_id, 0) + 1
        if t.plan_item_id == item.id:
            same_item.add(t.party_id)
    candidates = [p for p in session.scalars(select(Party).order_by(Party.id))
                  if p.scope in item.scopes and p.id not in same_item
                  and per_party.get(p.id, 0) < MAX_BATCHES_PER_PARTY]
    if seed is None:
        seed = secrets.randbelow(2 ** 53)
    candidate_ids, team_ids = [p.id for p in candidates], [t.id for t in teams]
    pairs = pick(seed=seed, candidates=candidate_ids, teams=team_ids, count=count)
    made = [create_task(session=session, plan_item_id=item.id, party_id=p, team_id=t, due_date=due_date,
                        actor=actor, agency_scope=agency_id) for p, t in pairs]
    record = Draw(plan_item_id=item.id, agency_id=agency_id or "", requested=count, seed=seed, due_date=due_date,
                  candidates=candidate_ids, teams=team_ids,
                  drawn=[[p, t, task.id] for (p, t), task in zip(pairs, made)], actor=actor)
    session.add(record)
    session.flush()
    audit.log(session=session, actor=actor, action="task.draw", target=item.id,
              detail={"draw": record.id, "requested": count, "drawn": len(made), "candidates": len(candidates),
                      "seed": seed},
              after={"tasks": [[task.id, p, t] for (p, t), task in zip(pairs, made)]})
    return record, made
