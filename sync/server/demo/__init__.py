"""A seeded demo server for `make run` and the end-to-end test.

Seeds the 2022 batch-4 plan, one agency with a team of three samplers,
an agency admin, a provincial admin, a lab user, ten Shanxi parties (gas
stations and shops, with valid unified social credit codes) and today's
tasks for the team. Every demo account gets one freshly generated password,
which the caller prints; nothing secret is in the source."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.times import china_today
from app.domain.credit_code import ALPHABET, check_char
from app.domain.plain import to_plain
from app.domain.reference_data import load_plan, load_sampling_rules
from sync.server.auth import service as accounts
from sync.server.auth.models import Agency
from sync.server.auth.passwords import generate_password
from sync.server.parties.service import save_party
from sync.server.plan import service as plans
from sync.server.plan.models import Plan, PlanItem
from sync.server.pull.changes import record_change
from sync.server.tasks import service as tasks
from sync.server.tasks.models import Task

AGENCY_ID, TEAM_ID = "agency-demo", "team-demo"
USERS = (  # username, role, name, certificate no
    ("demo", "sampler", "王建国", "晋抽证2022-0101"),
    ("sampler2", "sampler", "李明", "晋抽证2022-0102"),
    ("sampler3", "sampler", "张丽", "晋抽证2022-0103"),
    ("agency", "agency_admin", "赵主任", ""),
    ("province", "provincial_admin", "省局管理员", ""),
    ("lab", "lab", "样品管理员", ""),
    ("labmanager", "lab_manager", "实验室主任", ""),
    ("tester", "lab_tester", "检验员", ""),
)
# name, region code (GB/T 2260), address, scope, contact, phone
PARTIES = (
    ("太原市小店区晋阳加油站（示例）", "140105", "太原市小店区晋阳街18号", "gas_station", "刘站长", "0351-7001001"),
    ("太原市迎泽区双塔加油站（示例）", "140106", "太原市迎泽区双塔西街66号", "gas_station", "陈经理", "0351-7001002"),
    ("晋中市榆次区顺城加油站（示例）", "140702", "晋中市榆次区顺城街120号", "gas_station", "杨站长", "0354-3001003"),
    ("大同市平城区御河加油站（示例）", "140213", "大同市平城区御河东路9号", "gas_station", "郭经理", "0352-5001004"),
    ("长治市潞州区英雄加油站（示例）", "140403", "长治市潞州区英雄中路55号", "gas_station", "马站长", "0355-2001005"),
    ("太原市杏花岭区柳巷服饰商店（示例）", "140107", "太原市杏花岭区柳巷南路28号", "seller", "孙店长", "0351-4001006"),
    ("太原市万柏林区和平羽绒服专卖店（示例）", "140109", "太原市万柏林区和平北路201号", "seller", "周店长", "0351-6001007"),
    ("晋中市榆次区锦纶路服装商行（示例）", "140702", "晋中市榆次区锦纶路33号", "seller", "吴老板", "0354-3001008"),
    ("临汾市尧都区鼓楼百货商店（示例）", "141002", "临汾市尧都区鼓楼南大街7号", "seller", "郑经理", "0357-2001009"),
    ("运城市盐湖区河东运动用品商店（示例）", "140802", "运城市盐湖区河东东街88号", "seller", "冯店长", "0359-2001010"),
)
# Positions the province knows (party index -> latitude, longitude): photos
# imported with GPS far from these are flagged in the app.
POSITIONS = {0: ("37.780120", "112.560340"), 1: ("37.851270", "112.580870")}
# Today's tasks: (party index, product)
TODAY_TASKS = ((0, "车用汽油"), (0, "车用柴油"), (1, "车用汽油"), (2, "车用柴油"), (5, "羽绒服装"),
               (6, "羽绒服装"), (9, "运动服装"))


@dataclass
class DemoInfo:
    username: str
    password: str
    plan_id: str
    agency_id: str
    team_id: str
    usernames: tuple[str, ...]


def credit_code(rng: random.Random, region: str) -> str:
    """A valid (GB 32100-2015 check character) code: 91 = enterprise."""
    body = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_char(body)


def demo_plan() -> dict:
    """The plan the desktop app ships (resources/plan_2022_4.json), validated."""
    return to_plain(load_plan())


def demo_rules() -> list[dict]:
    """The sampling rules the desktop app ships, as the laptops get them."""
    return [to_plain(r) for r in load_sampling_rules().values()]


def seed(*, session: Session, today: date | None = None, password: str | None = None) -> DemoInfo:
    today = today or china_today()
    password = password or generate_password()
    plan = session.get(Plan, "2022-4") or plans.import_plan(session=session, data=demo_plan(), actor="demo")
    if not plan.notice_no_format:       # a demo database from before notices were numbered (0012)
        plan.notice_no_format = demo_plan()["notice_no_format"]
    plans.import_rules(session=session, rules=demo_rules(), actor="demo")
    first_run = session.get(Agency, AGENCY_ID) is None
    if first_run:
        accounts.add_agency(session=session, id=AGENCY_ID, name="山西省产品质量监督检验研究院（示例）",
                            address="太原市小店区坞城路（示例）", contact="赵主任", phone="0351-0000000")
        accounts.add_team(session=session, id=TEAM_ID, agency_id=AGENCY_ID, name="第一抽样组")
        for username, role, name, cert in USERS:
            accounts.add_user(session=session, username=username, password=password, role=role, name=name,
                              agency_id=AGENCY_ID if role != "provincial_admin" else None,
                              team_id=TEAM_ID if role == "sampler" else None, certificate_no=cert, actor="demo")
        rng = random.Random(2022)
        parties = [save_party(session=session, data={
            "name": n, "credit_code": credit_code(rng, region), "address": addr, "scope": scope,
            "contact": contact, "phone": phone, "licence_no": f"营业执照（示例）{i + 1:04d}",
            "legal_representative": contact[0] + "某某", "region": addr[:3],
            **dict(zip(("latitude", "longitude"), POSITIONS.get(i, ("", ""))))})[0]
            for i, (n, region, addr, scope, contact, phone) in enumerate(PARTIES)]
        items = {i.product: i for i in session.scalars(select(PlanItem).where(PlanItem.plan_id == plan.id))}
        for party_index, product in TODAY_TASKS:
            tasks.create_task(session=session, plan_item_id=items[product].id, party_id=parties[party_index].id,
                              team_id=TEAM_ID, due_date=today.isoformat(), actor="demo")
    else:
        for username, *_ in USERS:
            accounts.set_password(session=session, username=username, password=password, actor="demo")
        open_tasks = session.scalars(select(Task).where(Task.team_id == TEAM_ID, Task.status == "assigned"))
        for t in open_tasks:
            if t.due_date != today.isoformat():
                t.due_date = today.isoformat()
                record_change(session=session, kind="task", entity_id=t.id)
    return DemoInfo(username="demo", password=password, plan_id=plan.id, agency_id=AGENCY_ID, team_id=TEAM_ID,
                    usernames=tuple(u for u, *_ in USERS))


def banner(info: DemoInfo, url: str = "") -> str:
    lines = [f"Demo accounts (password for all): {', '.join(info.usernames)}",
             f"  sampler: user {info.username}  password {info.password}",
             f"  演示账号 {info.username} / 密码 {info.password}"]
    if url:
        lines += [f"Web console 管理平台: {url.rstrip('/')}/console/",
                  f"  provincial admin 省局: province / {info.password}",
                  f"  agency admins 承检机构: agency, agency2 / {info.password}",
                  f"  lab 检验机构: lab (sample manager), labmanager, tester / {info.password}"]
    return "\n".join(lines)


def seed_history(*, data_dir, session: Session, info: DemoInfo) -> int:
    """Week-3 history (records, photos, a quiet laptop) for the console."""
    from sync.server.blobs.store import DiskBlobStore
    from sync.server.config import settings_for
    from sync.server.demo.history import USERNAMES
    from sync.server.demo.history import seed_history as seed
    info.usernames = info.usernames + tuple(u for u in USERNAMES if u not in info.usernames)
    return seed(session=session, store=DiskBlobStore(settings_for(data_dir).blob_dir), password=info.password)


def start_demo(data_dir, *, host: str = "127.0.0.1", port: int = 0, today: date | None = None,
               history: bool = False):
    """Seed (or re-seed) a demo server in data_dir and run it in a thread;
    history: also the console's week-3 history (a few seconds, first run).
    Returns (RunningServer, DemoInfo); call .stop() on the first when done."""
    from sync.server.app import create_app
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.runner import start_in_thread
    settings = settings_for(data_dir)
    db = Database(settings.db_url)
    with db.session() as session:
        info = seed(session=session, today=today)
        if history:
            seed_history(data_dir=settings.data_dir, session=session, info=info)
    return start_in_thread(create_app(settings, db), host, port), info
