"""Agencies, teams and user accounts."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.roles import Role
from sync.protocol.schemas import UserOut
from sync.server.audit import service as audit
from sync.server.auth.models import Agency, Team, User
from sync.server.auth.passwords import DUMMY_HASH, hash_password, verify_password
from sync.server.auth.roles import ROLE_RULES
from sync.server.pull.changes import record_change


def add_agency(*, session: Session, id: str, name: str, address: str = "", contact: str = "",
               phone: str = "", actor: str = "cli") -> Agency:
    agency = session.get(Agency, id) or Agency(id=id)
    before = ({"name": agency.name, "address": agency.address, "contact": agency.contact, "phone": agency.phone}
              if agency.name is not None else None)
    agency.name, agency.address, agency.contact, agency.phone = name, address, contact, phone
    session.add(agency)
    session.flush()
    record_change(session=session, kind="agency", entity_id=id)
    audit.log(session=session, actor=actor, action="agency.save", target=id, before=before,
              after={"name": name, "address": address, "contact": contact, "phone": phone})
    return agency


def add_team(*, session: Session, id: str, agency_id: str, name: str, actor: str = "cli") -> Team:
    if session.get(Agency, agency_id) is None:
        raise ValueError(f"unknown agency {agency_id}")
    team = session.get(Team, id) or Team(id=id, agency_id=agency_id)
    before = {"agency": team.agency_id, "name": team.name} if team.name is not None else None
    team.agency_id, team.name = agency_id, name
    session.add(team)
    session.flush()
    audit.log(session=session, actor=actor, action="team.save", target=id, before=before,
              after={"agency": agency_id, "name": name})
    return team


def add_user(*, session: Session, username: str, password: str, role: str, name: str = "",
             agency_id: str | None = None, team_id: str | None = None, certificate_no: str = "",
             phone: str = "", actor: str = "cli") -> User:
    try:
        rules = ROLE_RULES[Role(role)]
    except ValueError:
        raise ValueError(f"role must be one of {', '.join(Role)}") from None
    if rules.in_agency and not agency_id:
        raise ValueError(f"a {role} belongs to an agency")
    if not rules.in_agency and agency_id:
        raise ValueError(f"a {role} belongs to no agency")
    if rules.in_team and not team_id:
        raise ValueError(f"a {role} belongs to a team")
    if not rules.in_team and team_id:
        raise ValueError(f"a {role} belongs to no team")
    if team_id:
        team = session.get(Team, team_id)
        if team is None or team.agency_id != agency_id:
            raise ValueError(f"team {team_id} is not a team of agency {agency_id}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"user {username} exists")
    user = User(id=f"u-{uuid.uuid4().hex[:12]}", username=username, name=name or username, role=role,
                password_hash=hash_password(password), agency_id=agency_id, team_id=team_id,
                certificate_no=certificate_no, phone=phone, active=True)
    session.add(user)
    session.flush()
    if role == Role.SAMPLER:
        record_change(session=session, kind="sampler", entity_id=user.id)
    audit.log(session=session, actor=actor, action="user.add", target=username, detail={"role": role},
              after={"username": username, "name": user.name, "role": role, "agency": agency_id, "team": team_id,
                     "active": True})
    return user


def set_password(*, session: Session, username: str, password: str, actor: str = "cli") -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"no user {username}")
    user.password_hash = hash_password(password)
    # The password itself is never logged, not even hashed.
    audit.log(session=session, actor=actor, action="user.password", target=username, after={"password": "reset"})
    return user


def set_active(*, session: Session, username: str, active: bool, actor: str = "cli") -> User:
    """Disable (or enable) an account: a disabled user's devices and sessions
    are refused at their next request (devices.authenticate)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"no user {username}")
    if user.active != active:
        audit.log(session=session, actor=actor, action="user.enable" if active else "user.disable", target=username,
                  before={"active": user.active}, after={"active": active})
        user.active = active
        if user.role == "sampler":
            record_change(session=session, kind="sampler", entity_id=user.id)
    return user


def check_password(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this password, else None (same work either way)."""
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(password, user.password_hash if user else DUMMY_HASH)
    return user if ok and user is not None and user.active else None


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, name=user.name, role=user.role,
                   agency_id=user.agency_id, team_id=user.team_id, certificate_no=user.certificate_no)
