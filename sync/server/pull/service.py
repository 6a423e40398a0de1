"""Pull: what a sampler's device needs, incrementally from its cursor.

A missing cursor gives a full snapshot. An unknown or stale one (the server
was restored from an older backup, or the cursor is garbage) is refused with
412 and the device asks again without one: the full refresh.

A task moved to another team (改派) drops out of the former team's view;
`withdrawn` tells that team so, incrementally when the task changed since
the cursor, and in every full refresh (a device offline for days, or with
a stale cursor, still learns it)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.schemas import AgencyOut, PullResponse
from sync.server.auth import visibility
from sync.server.auth.models import Agency
from sync.server.db import utcnow
from sync.server.devices.service import Principal
from sync.server.errors import ApiError
from sync.server.plan import service as plans
from sync.server.pull import changes
from sync.server.pull.models import Change
from sync.server.tasks import moves
from sync.server.tasks import service as tasks


def _agency_out(a: Agency) -> AgencyOut:
    return AgencyOut(id=a.id, name=a.name, address=a.address, contact=a.contact, phone=a.phone)


def pull(*, session: Session, principal: Principal, cursor: str | None) -> PullResponse:
    user = principal.user
    # Read the head first: whatever is read afterwards is at least this new.
    head_seq, head_token = changes.current_cursor(session=session)
    since: int | None = None
    if cursor:
        parsed = changes.parse_cursor(cursor)
        if parsed is None or parsed[0] > head_seq or not changes.cursor_valid(session=session, seq=parsed[0],
                                                                              token=parsed[1]):
            raise ApiError(412, "sync.cursor_stale")
        since = parsed[0]
    full = since is None
    changed: dict[str, set[str]] = defaultdict(set)
    if not full:
        for kind, entity_id in session.execute(select(Change.kind, Change.entity_id).where(Change.seq > since)):
            changed[kind].add(entity_id)
    team_tasks = tasks.visible_tasks(session=session, where=visibility.task_filter(principal))
    party_ids_changed = changed.get("party", set())
    sent_tasks = [t for t in team_tasks
                  if full or t.id in changed.get("task", set()) or t.party_id in party_ids_changed]
    task_out = tasks.tasks_out(session=session, tasks=sent_tasks)
    withdrawn = moves.withdrawals(session=session, team_id=user.team_id,
                                  task_ids=None if full else changed.get("task", set()),
                                  still_held={t.id for t in team_tasks})
    parties = {t.party.id: t.party for t in task_out}
    samplers = tasks.team_samplers(session=session, team_ids={user.team_id}).get(user.team_id, [])
    if not full and not changed.get("sampler"):
        samplers = []           # when sent, it is the whole team (a removal shows by absence)
    agency = session.get(Agency, user.agency_id) if user.agency_id else None
    agencies = [_agency_out(agency)] if agency and (full or agency.id in changed.get("agency", set())) else []
    rules = plans.rules_out(session=session, products=None if full else sorted(changed.get("rule", set())))
    return PullResponse(cursor=changes.format_cursor(head_seq, head_token), full=full, server_time=utcnow(),
                        plans=plans.all_plans(session=session), agencies=agencies, samplers=samplers,
                        parties=list(parties.values()), tasks=task_out, sampling_rules=rules,
                        withdrawn=withdrawn)

