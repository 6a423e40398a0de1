"""Synced history for the demo: the console looks like week 3 of the plan.

About 60 records over the last 10 days, from two agencies' teams, across
ten products: most sampled, some refused, some stopped with a problem
report, one amended; photos (JPEG scenes drawn with Pillow) and signatures
stored as blobs; a few records reached the server late (e-CQS); one laptop
has not synced for 3 days. Every record is a real canonical record built
with app.domain's record code, so its hash verifies.

The history teams are not the `demo` sampler's team, so the desktop demo's
task list stays today's tasks."""
from __future__ import annotations

import base64
import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.canonical import canonical_bytes
from app.domain.entities import InspectedParty, Producer
from app.domain.plan import Scope
from app.domain.times import CHINA
from app.domain.record import amendment_document, amendment_hash, record_document, record_hash, sealing_hash
from app.domain.visit import (Amendment, BackupStorage, EvidenceCategory, EvidenceItem, Payment, PriceBasis,
                              ProblemReport, ProblemType, RefusalRecord, RefusalSituation, SampleDetails,
                              SampleKind, Seal, ShownDocuments, Signature, SignerRole, TeamMember, Visit,
                              VisitStatus)
from forms.demo import signature_png
from sync.server.auth import service as accounts
from sync.server.auth.models import Agency, User
from sync.server.blobs import service as blob_service
from sync.server.blobs.put import put_bytes
from sync.server.blobs.store import DiskBlobStore
from sync.server.db import utcnow
from sync.server.devices.models import Device
from sync.server.followups import service as followups
from sync.server.parties.models import Party
from sync.server.parties.service import save_party
from sync.server.plan.models import PlanItem
from sync.server.records import fields
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto
from sync.server.tasks import service as tasks

AGENCY2_ID = "agency-demo-2"
# team id, agency id, team name, samplers (username, name, certificate)
TEAMS = (("team-demo-b", "agency-demo", "第二抽样组", (("sampler4", "陈志刚", "晋抽证2022-0104"),
                                                     ("sampler5", "刘芳", "晋抽证2022-0105"))),
         ("team-demo-2", AGENCY2_ID, "晋中第一抽样组", (("sampler6", "杨帆", "晋抽证2022-0201"),
                                                      ("sampler7", "郭静", "晋抽证2022-0202"))))
AGENCY2_ADMIN = ("agency2", "agency_admin", "王主任")
USERNAMES = (AGENCY2_ADMIN[0],) + tuple(u for *_, samplers in TEAMS for u, _n, _c in samplers)
SILENT_USER = "sampler7"            # the laptop that has gone quiet for 3 days
CITIES = (("太原市小店区", "140105"), ("太原市迎泽区", "140106"), ("晋中市榆次区", "140702"),
          ("大同市平城区", "140213"), ("长治市潞州区", "140403"), ("临汾市尧都区", "141002"),
          ("运城市盐湖区", "140802"), ("忻州市忻府区", "140902"), ("阳泉市城区", "140302"))
STREETS = ("长风街", "并州路", "迎泽大街", "中山路", "解放路", "建设路", "人民路", "新华街", "府西街", "和平路")
FUEL = ("车用汽油", "车用柴油", "车用尿素水溶液")
GOODS = ("羽绒服装", "运动服装", "冲锋衣", "棉服装", "灯串", "室内加热器", "眼镜（配装眼镜）")
BRANDS = {"羽绒服装": ("雪中飞", "波司登"), "运动服装": ("晋动", "飞跃"), "冲锋衣": ("探路", "山野"),
          "棉服装": ("恒源", "暖阳"), "灯串": ("星光", "明亮"), "室内加热器": ("美的", "艾美特"),
          "眼镜（配装眼镜）": ("明视", "精工")}
PHOTO_COLORS = {"site": (88, 130, 170), "storage": (120, 110, 90), "label": (230, 225, 210), "stock": (150, 120, 80),
                "sampling": (90, 140, 100), "sealed": (200, 60, 50), "refusal": (110, 110, 120),
                "problem": (140, 100, 100)}


@dataclass
class Sender:
    user: User
    device: Device
    team_id: str
    agency_id: str


def photo_jpeg(rng: random.Random, category: str, stamp: str) -> bytes:
    """A 640x480 camera-like JPEG: a scene of shelves / pumps / labels with
    noise and a date stamp, different for every photo."""
    base = PHOTO_COLORS.get(category, (128, 128, 128))
    img = Image.new("RGB", (640, 480), base)
    d = ImageDraw.Draw(img)
    for y in range(0, 480, 4):              # light falling off towards the floor
        shade = int(40 * y / 480)
        d.line([(0, y), (640, y)], fill=tuple(max(c - shade, 0) for c in base), width=4)
    for _ in range(rng.randint(8, 16)):     # shelves, pumps, boxes
        x, y = rng.randrange(600), rng.randrange(440)
        w, h = rng.randint(30, 200), rng.randint(20, 160)
        tone = tuple(min(255, max(0, c + rng.randint(-70, 70))) for c in base)
        d.rectangle([x, y, x + w, y + h], fill=tone, outline=(30, 30, 30))
    if category in ("label", "sealed"):
        d.rectangle([170, 150, 470, 330], fill=(250, 250, 245), outline=(20, 20, 20), width=3)
        for i in range(6):
            d.line([(190, 175 + i * 25), (190 + rng.randint(120, 260), 175 + i * 25)], fill=(40, 40, 40), width=4)
    d.rectangle([420, 446, 636, 474], fill=(0, 0, 0))
    d.text((428, 452), stamp, fill=(255, 200, 0))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def _users_and_devices(session: Session, password: str, now: datetime) -> list[Sender]:
    if session.get(Agency, AGENCY2_ID) is None:
        accounts.add_agency(session=session, id=AGENCY2_ID, name="晋中市产品质量监督检验所（示例）",
                            address="晋中市榆次区迎宾街（示例）", contact="王主任", phone="0354-0000000", actor="demo")
        username, role, name = AGENCY2_ADMIN
        accounts.add_user(session=session, username=username, password=password, role=role, name=name,
                          agency_id=AGENCY2_ID, actor="demo")
    senders = []
    rng = random.Random(7)
    for team_id, agency_id, team_name, samplers in TEAMS:
        accounts.add_team(session=session, id=team_id, agency_id=agency_id, name=team_name, actor="demo")
        for username, name, cert in samplers:
            user = accounts.add_user(session=session, username=username, password=password, role="sampler", name=name,
                                     agency_id=agency_id, team_id=team_id, certificate_no=cert, actor="demo")
            silent = username == SILENT_USER
            seen = now - (timedelta(days=3, hours=2) if silent else timedelta(hours=rng.randint(1, 20)))
            device = Device(id=f"d-demo-{username}", user_id=user.id, kind="device", name=f"{name}的笔记本",
                            public_key=base64.b64encode(rng.randbytes(32)).decode("ascii"),
                            token_sha256=uuid.uuid4().hex + uuid.uuid4().hex, created_at=now - timedelta(days=20),
                            expires_at=now + timedelta(days=345), last_seen_at=seen, app_version="0.1.0")
            session.add(device)
            senders.append(Sender(user, device, team_id, agency_id))
    session.flush()
    return senders


def _parties(session: Session, rng: random.Random) -> tuple[list[Party], list[Party]]:
    from sync.server.demo import credit_code
    stations, shops = [], []
    for i in range(36):
        city, region = CITIES[i % len(CITIES)]
        street = STREETS[(i * 3) % len(STREETS)]
        station = i < 14
        name = (f"{city}{street}加油站（示例{i + 1:02d}）" if station
                else f"{city}{street}{('百货商店', '服饰商行', '电器商场', '眼镜店', '运动用品店')[i % 5]}（示例{i + 1:02d}）")
        if i == 20:
            name = '太原市"<script>alert(1)</script>"商行（示例·转义）'   # shows escaping in the console
        party, _ = save_party(session=session, data={
            "name": name, "credit_code": credit_code(rng, region), "address": f"{city}{street}{rng.randint(1, 300)}号",
            "scope": "gas_station" if station else "seller", "contact": rng.choice("王李张刘陈杨赵黄周吴") + "经理",
            "phone": f"0351-{rng.randint(2000000, 8999999)}", "licence_no": f"营业执照（示例）H{i + 1:04d}",
            "legal_representative": rng.choice("王李张刘陈杨赵黄周吴") + "某某", "region": city[:3]})
        (stations if station else shops).append(party)
    return stations, shops


def _sample(product: str, rng: random.Random) -> tuple[SampleDetails, Decimal, Decimal]:
    if product in FUEL:
        price = Decimal(rng.choice(("7.85", "8.12", "8.39", "7.66"))) if product != "车用尿素水溶液" else Decimal("4.50")
        grade = {"车用汽油": rng.choice(("92#", "95#")), "车用柴油": "0#", "车用尿素水溶液": ""}[product]
        qty = Decimal("4")
        batch, base = rng.randint(20221001, 20221130), rng.randint(8000, 30000)
        tank, pump, day = rng.randint(1, 4), rng.randint(1, 8), rng.randint(1, 9)
        # the product's own fields, as its sampling rule asks for them
        fields = {"package_spec": "10 L/桶"} if product == "车用尿素水溶液" else {
            "fuel_grade": grade, "emission_stage": "国VI(A)" if product == "车用汽油" else "国VI",
            "tank_no": f"{tank}号罐", "pump_no": f"{pump}号加油机", "detergent_added": "是",
            "tank_stock": str(base), "last_delivery_date": f"2022-11-0{day}",
            "supplier": "晋能示范石油销售有限公司（示例）"}
        return SampleDetails(product=product, trademark="晋能" if product != "车用尿素水溶液" else "蓝星",
                             spec_model=grade or "10 L/桶", batch_no=f"进货批次 {batch}",
                             standard={"车用汽油": "GB 17930-2016", "车用柴油": "GB 19147-2016"}.get(product, "GB 29518-2013"),
                             unit="L", unit_price=price, price_basis=PriceBasis.MARKED, price_basis_note="加油机显示标价",
                             base_quantity=Decimal(base), test_quantity=qty, backup_quantity=qty,
                             sample_state="液体，清澈透明", product_fields=fields, sampling_place="加油机油枪",
                             sampling_method="先放空 4 L，分装于 1 L 洁净铝瓶"), price, qty
    price = Decimal(rng.randint(39, 899)) + Decimal("0.00")
    brand = rng.choice(BRANDS.get(product, ("示例",)))
    return SampleDetails(product=product, trademark=brand, spec_model=rng.choice(("170/92A", "175/96A", "M", "L", "220V 20W")),
                         batch_no=f"2022{rng.randint(1, 10):02d}{rng.randint(1, 28):02d}", production_date="2022-09-15",
                         quality_grade="合格品", standard="GB/T 14272-2021" if product == "羽绒服装" else "GB 18401-2010",
                         unit="件", unit_price=price, price_basis=PriceBasis.MARKED, price_basis_note="吊牌标价",
                         base_quantity=Decimal(rng.randint(10, 200)), test_quantity=Decimal("2"),
                         backup_quantity=Decimal("2"), sample_state="完好，包装完整", sampling_place="货架",
                         sampling_method="随机抽取同一批次未开封产品"), price, Decimal("2")


class _Builder:
    def __init__(self, session: Session, store: DiskBlobStore, rng: random.Random):
        self.session, self.store, self.rng = session, store, rng
        self.sigs: dict[str, str] = {}

    def blob(self, data: bytes) -> str:
        return put_bytes(session=self.session, store=self.store, data=data, source="demo")

    def signature(self, name: str) -> str:
        if name not in self.sigs:
            self.sigs[name] = self.blob(signature_png(name))
        return self.sigs[name]

    def visit(self, *, sender: Sender, mate: User, task_id: str, party: Party, item: PlanItem, no: str,
              finished: datetime, status: VisitStatus) -> Visit:
        rng = self.rng
        cats = (["refusal", "site"] if status == VisitStatus.REFUSED else ["problem", "site"]
                if status == VisitStatus.PROBLEM_REPORTED else ["site", "label", "stock", "sampling", "sealed"])
        evidence = [EvidenceItem(id=uuid.UUID(int=rng.getrandbits(128)).hex, category=EvidenceCategory(c),
                                 sha256=self.blob(photo_jpeg(rng, c, (finished - timedelta(minutes=40 - 5 * i))
                                                             .astimezone(CHINA).strftime("%Y-%m-%d %H:%M"))),
                                 captured_at=finished - timedelta(minutes=40 - 5 * i))
                    for i, c in enumerate(cats)]
        team = [TeamMember(u.id, u.name, u.certificate_no) for u in (sender.user, mate)]
        snapshot = InspectedParty(id=party.id, name=party.name, credit_code=party.credit_code, licence_no=party.licence_no,
                                  address=party.address, legal_representative=party.legal_representative,
                                  contact=party.contact, phone=party.phone, scale="小型", scope=Scope(party.scope))
        v = Visit(id=str(uuid.UUID(int=rng.getrandbits(128))), record_no=no, task_id=task_id, plan_id=item.plan_id,
                  agency_id=sender.agency_id, status=status, started_at=finished - timedelta(minutes=60), team=team,
                  shown=ShownDocuments(True, True, True), party=snapshot, evidence=evidence,
                  remarks="演示数据（demo data），非真实抽样记录。", finished_at=finished)
        if status == VisitStatus.FINISHED:
            sample, price, qty = _sample(item.product, rng)
            sample.plan_item_id = item.id
            v.sample = sample
            v.producer = Producer(name=f"{rng.choice(('山西', '河北', '江苏', '浙江'))}{sample.trademark}实业有限公司（示例）",
                                  address="示例省示例市工业园区 1 号", contact="销售部", phone="400-000-0000")
            v.payment = Payment(quantity=qty, unit_price=price, amount=(qty * price).quantize(Decimal("0.01")),
                                paid=True, backup_free=True)
            on_site = item.product in FUEL and rng.random() < 0.4
            v.seals = [Seal(id=f"{no}-{k}", seal_no=f"{no}-{'J' if k == SampleKind.TEST else 'B'}1", kind=k,
                            package_no=1, sealed_at=finished - timedelta(minutes=15), on_site_storage=on_site and k == SampleKind.BACKUP)
                       for k in (SampleKind.TEST, SampleKind.BACKUP)]
            if on_site:
                v.backup_storage = BackupStorage(on_site=True, approval_no="晋市监质函〔2022〕112号",
                                                 location="站房危化品储存柜", camera_covered=True)
            v.sealing_hash = sealing_hash(v)
        elif status == VisitStatus.REFUSED:
            v.sample = SampleDetails(product=item.product, plan_item_id=item.id)
            v.refusal = RefusalRecord(
                situation=rng.choice((RefusalSituation.REFUSE_SAMPLING, RefusalSituation.UNREASONABLE_PRICE)),
                occurred_at=finished - timedelta(minutes=20), place="经营场所", products=item.product,
                facts="抽样人员出示通知书、证件和授权委托书后，负责人以“老板不在”为由拒绝提供样品，经说明法律责任后仍拒绝。",
                evidence_note="现场照片 2 张、录音 1 段", county_bureau=party.address[:6] + "市场监督管理局")
        else:
            v.sample = SampleDetails(product=item.product, plan_item_id=item.id)
            v.problem = ProblemReport(problem_type=ProblemType.UNLICENSED,
                                      description="现场未能出示营业执照及相关经营许可证件。",
                                      evidence_note="经营场所照片 2 张", reporter=f"{sender.user.name}、{mate.name}",
                                      reported_at=finished - timedelta(minutes=10))
        signers = [(SignerRole.SAMPLER, sender.user.name, sender.user.id), (SignerRole.SAMPLER, mate.name, mate.id)]
        if status == VisitStatus.FINISHED:
            signers.append((SignerRole.PARTY, party.contact or "负责人", ""))
        v.signatures = [Signature(id=f"sig-{i}", role=role, name=name, image_sha256=self.signature(name),
                                  signer_ref=ref, signed_at=finished) for i, (role, name, ref) in enumerate(signers)]
        v.record_hash = record_hash(v)
        return v

    def store_record(self, v: Visit, sender: Sender, item: PlanItem, party: Party, received: datetime) -> Record:
        doc = record_document(v)
        rec = Record(client_id=v.id, visit_id=v.id, record_hash=v.record_hash, task_id=v.task_id, plan_item_id=item.id,
                     party_id=party.id, agency_id=sender.agency_id, team_id=sender.team_id, user_id=sender.user.id,
                     device_id=sender.device.id,
                     status=v.status.value, product=item.product, **fields.from_document(doc),
                     **fields.timing(finished_at=v.finished_at, device_time=received - timedelta(seconds=3),
                                     received_at=received),
                     document=canonical_bytes(doc).decode("utf-8"), finished_at=v.finished_at,
                     device_time=received - timedelta(seconds=3), received_at=received)
        self.session.add(rec)
        self.session.flush()
        self.session.add_all(RecordPhoto(record_id=rec.id, sha256=h) for h in doc["photo_hashes"])
        for h in doc["photo_hashes"]:            # the sender's laptop uploaded them (proof of possession)
            blob_service.register_holder(session=self.session, sha256=h, device_id=sender.device.id,
                                         team_id=sender.team_id, agency_id=sender.agency_id)
        return rec

    def amend(self, v: Visit, rec: Record, when: datetime) -> None:
        a = Amendment(id=str(uuid.UUID(int=self.rng.getrandbits(128))), path="sample.batch_no",
                      old_value=v.sample.batch_no, new_value=v.sample.batch_no + "-2", reason="批号抄录有误，经受检单位确认更正",
                      created_at=when, prev_hash=v.record_hash,
                      party_signature_sha256=self.signature(v.party.contact or "负责人"))
        a.hash = amendment_hash(a)
        self.session.add(AmendmentRecord(client_id=a.id, record_id=rec.id, hash=a.hash, prev_hash=a.prev_hash,
                                         document=canonical_bytes(amendment_document(a)).decode("utf-8"),
                                         signature_sha256=a.party_signature_sha256,
                                         device_id=rec.device_id, device_time=when, received_at=when + timedelta(hours=1)))
        blob_service.register_holder(session=self.session, sha256=a.party_signature_sha256, device_id=rec.device_id,
                                     team_id=rec.team_id or "", agency_id=rec.agency_id)
        for col, value in fields.amended(a.path, a.new_value).items():
            setattr(rec, col, value)


def seed_history(*, session: Session, store: DiskBlobStore, password: str, today: date | None = None) -> int:
    """Once per demo database; returns the number of records made."""
    if session.scalar(select(User).where(User.username == AGENCY2_ADMIN[0])) is not None:
        for username in USERNAMES:           # a re-run: this run's password, as for the other demo accounts
            accounts.set_password(session=session, username=username, password=password, actor="demo")
        return 0
    now = utcnow()
    today = today or now.astimezone(CHINA).date()
    rng = random.Random(2022_4)
    senders = _users_and_devices(session, password, now)
    stations, shops = _parties(session, rng)
    items = {i.product: i for i in session.scalars(select(PlanItem).where(PlanItem.plan_id == "2022-4"))}
    b = _Builder(session, store, rng)
    made = 0
    slots = []       # at most two products per party, never one product twice (the batch limits)
    for products, parties in ((FUEL, stations), (GOODS, shops)):
        for p in parties:
            slots += [(p, product) for product in rng.sample(products, k=2)]
    rng.shuffle(slots)
    slots = slots[:60]
    for n, (party, product) in enumerate(slots):
        day = today - timedelta(days=10 - n * 10 // len(slots))
        sender = senders[n % len(senders)]
        if sender.user.username == SILENT_USER and day > today - timedelta(days=4):
            sender = senders[(n + 1) % len(senders)]     # the quiet laptop sent nothing since
        mate = next(s.user for s in senders if s.team_id == sender.team_id and s.user.id != sender.user.id)
        item = items[product]
        status = (VisitStatus.REFUSED if n % 13 == 5 else VisitStatus.PROBLEM_REPORTED if n % 17 == 9
                  else VisitStatus.FINISHED)
        finished = datetime.combine(day, time(9 + n % 8, (n * 7) % 60), tzinfo=CHINA)
        task = tasks.create_task(session=session, plan_item_id=item.id, party_id=party.id, team_id=sender.team_id,
                                 due_date=day.isoformat(), actor="demo")
        if status == VisitStatus.FINISHED:
            task.status = "done"
        # as the app numbers them: plan, day, device, sequence (visits.new_record_no)
        no = f"2022-4-{day:%Y%m%d}-{hashlib.sha1(sender.device.id.encode()).hexdigest()[:4].upper()}-{n + 1:03d}"
        v = b.visit(sender=sender, mate=mate, task_id=task.id, party=party, item=item, no=no, finished=finished,
                    status=status)
        late = n % 11 == 3
        received = finished + (timedelta(days=2, hours=3) if late else timedelta(hours=rng.randint(2, 9)))
        rec = b.store_record(v, sender, item, party, min(received, now))
        if n == 7 and status == VisitStatus.FINISHED:
            b.amend(v, rec, finished + timedelta(hours=3))
        if status != VisitStatus.FINISHED and n % 2 == 0:
            followups.update(session=session, record=rec, determination_done=True, determined_on=day.isoformat(),
                             reported_to_province=n % 4 == 0, reported_on=day.isoformat() if n % 4 == 0 else "",
                             note="已与县局共同认定" if status == VisitStatus.REFUSED else "已报送属地市场监管部门",
                             actor="agency")
        made += 1
    return made
