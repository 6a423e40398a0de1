"""A small province for server tests: two agencies, three teams, every role,
tokens of every kind (valid, revoked, expired; a sampler's enrolled device
with its Ed25519 key, and the same sampler's password session), the real
plan plus a test plan with large quotas, parties with valid credit codes,
and tasks."""
from __future__ import annotations

import base64
import json
import os
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.credit_code import ALPHABET, check_char
from app.domain.seal_payload import KeySigner
from sync.server.auth import service as accounts
from sync.server.db import utcnow
from sync.server.devices import service as devices
from sync.server.devices.models import Device
from sync.server.parties.service import save_party
from sync.server.plan import service as plans
from sync.server.tasks import service as tasks

PLAN_FILE = Path(__file__).resolve().parents[2] / "resources" / "plan_2022_4.json"   # what the app ships
PASSWORD = "correct horse 抽样"
BIG_PLAN = {"id": "T", "title": "测试计划", "document_no": "测试", "items": [
    {"id": "T-fuel", "seq": 1, "category": "交通用具及相关产品", "product": "车用汽油", "batches": 100000,
     "scopes": ["gas_station"]},
    {"id": "T-diesel", "seq": 2, "category": "交通用具及相关产品", "product": "车用柴油", "batches": 100000,
     "scopes": ["gas_station"]},
    {"id": "T-down", "seq": 3, "category": "服装鞋帽及家用纺织品", "product": "羽绒服装", "batches": 100000,
     "scopes": ["seller"]}]}
USERS = {  # username: (role, agency, team)
    "s_a1": ("sampler", "agency-a", "team-a1"), "s_a1b": ("sampler", "agency-a", "team-a1"),
    "s_a2": ("sampler", "agency-a", "team-a2"), "s_b1": ("sampler", "agency-b", "team-b1"),
    "adm_a": ("agency_admin", "agency-a", None), "adm_b": ("agency_admin", "agency-b", None),
    "prov": ("provincial_admin", None, None), "lab_a": ("lab", "agency-a", None),
    "lab_b": ("lab", "agency-b", None), "lm_a": ("lab_manager", "agency-a", None),
    "lt_a": ("lab_tester", "agency-a", None),
}


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)        # username -> valid token
    sessions: dict[str, str] = field(default_factory=dict)      # sampler -> password session token
    keys: dict[str, KeySigner] = field(default_factory=dict)    # sampler -> its device's Ed25519 key
    devices: dict[str, str] = field(default_factory=dict)       # username -> device id
    revoked_token: str = ""                                      # s_a1's revoked device
    expired_token: str = ""                                      # s_a1's expired device
    parties: dict[str, str] = field(default_factory=dict)       # label -> party id
    tasks: dict[str, str] = field(default_factory=dict)         # label -> task id
    codes: dict[str, str] = field(default_factory=dict)         # label -> credit code


_rng = random.Random(7)


def new_credit_code(region: str = "140105") -> str:
    body = "91" + region + "".join(_rng.choice(ALPHABET) for _ in range(9))
    return body + check_char(body)


def public_key(signer: KeySigner | None = None) -> str:
    return base64.b64encode(signer.public_key_bytes() if signer else os.urandom(32)).decode()


def add_party(session: Session, label: str, scope: str, world: World | None = None) -> str:
    code = new_credit_code()
    party, _ = save_party(session=session, data={"name": f"{label}（测试）", "credit_code": code,
                                                 "address": "太原市测试路1号", "scope": scope, "contact": "测试"})
    if world is not None:
        world.parties[label], world.codes[label] = party.id, code
    return party.id


def seed(session: Session) -> World:
    w = World()
    plans.import_plan(session=session, data=json.loads(PLAN_FILE.read_text(encoding="utf-8")))
    plans.import_plan(session=session, data=BIG_PLAN)
    plans.import_rules(session=session, rules=[{"product": "车用汽油", "unit": "L", "test_quantity": "4",
                                                "backup_quantity": "4"}])
    for agency in ("agency-a", "agency-b"):
        accounts.add_agency(session=session, id=agency, name=f"承检机构{agency[-1].upper()}")
    for team, agency in (("team-a1", "agency-a"), ("team-a2", "agency-a"), ("team-b1", "agency-b")):
        accounts.add_team(session=session, id=team, agency_id=agency, name=team)
    users = {}
    for username, (role, agency, team) in USERS.items():
        users[username] = accounts.add_user(session=session, username=username, password=PASSWORD, role=role,
                                             agency_id=agency, team_id=team, certificate_no=f"证-{username}")
        kind = "device" if role == "sampler" else "session"
        if kind == "device":
            w.keys[username] = KeySigner()
        device, token = devices.issue_token(session=session, user=users[username], kind=kind, ttl=timedelta(days=1),
                                            public_key=public_key(w.keys[username]) if kind == "device" else "")
        w.tokens[username], w.devices[username] = token, device.id
        if kind == "device":        # the same sampler signed in with its password (no device key)
            _, w.sessions[username] = devices.issue_token(session=session, user=users[username], kind="session",
                                                          ttl=timedelta(days=1))
    revoked, w.revoked_token = devices.issue_token(session=session, user=users["s_a1"], kind="device",
                                                   ttl=timedelta(days=1), public_key=public_key())
    revoked.revoked_at = utcnow()
    expired, w.expired_token = devices.issue_token(session=session, user=users["s_a1"], kind="device",
                                                   ttl=timedelta(days=1), public_key=public_key())
    expired.expires_at = utcnow() - timedelta(minutes=1)
    for label, scope in (("gas1", "gas_station"), ("gas2", "gas_station"), ("shop1", "seller"),
                         ("gasB", "gas_station")):
        add_party(session, label, scope, w)
    for label, item, party, team in (("a1_petrol", "2022-4-11", "gas1", "team-a1"),
                                     ("a1_diesel", "2022-4-10", "gas1", "team-a1"),
                                     ("a1_urea", "2022-4-12", "gas1", "team-a1"),
                                     ("a1_down", "2022-4-18", "shop1", "team-a1"),
                                     ("a2_petrol", "2022-4-11", "gas2", "team-a2"),
                                     ("b1_petrol", "2022-4-11", "gasB", "team-b1")):
        w.tasks[label] = tasks.create_task(session=session, plan_item_id=item, party_id=w.parties[party],
                                           team_id=team, due_date="2022-11-15").id
    return w


def add_big_tasks(session: Session, n: int, team: str = "team-a1", prefix: str = "f") -> list[str]:
    """n fresh gas-station tasks on the big-quota test plan (one per party)."""
    ids = []
    for i in range(n):
        party = add_party(session, f"{prefix}{i}-{_rng.randrange(10**9)}", "gas_station")
        ids.append(tasks.create_task(session=session, plan_item_id="T-fuel", party_id=party, team_id=team).id)
    return ids


def device_of(session: Session, token_device_id: str) -> Device:
    return session.get(Device, token_device_id)
