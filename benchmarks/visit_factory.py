"""A local database with many visits, made quickly: one realistic visit
document (a started visit from the services, filled out like a finished one:
photos, seals, signatures, sample details) copied under generated Shanxi
party names with mixed statuses and dates, by bulk inserts through the
store's models."""
from __future__ import annotations

import json
import random
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert

from app.domain.entities import Agency, InspectedParty, Sampler, Task
from app.domain.plain import to_plain
from app.domain.visit import (EvidenceCategory, EvidenceItem, SampleKind, Seal, Signature, SignerRole,
                              VisitStatus)
from app.services import visits
from app.services.reference import ensure_plan, import_master_data
from app.services.workspace import Workspace
from app.store.models import VisitRow
from app.store.sync_models import OutboxItem

CITIES = {"太原市": ["小店区", "迎泽区", "杏花岭区", "尖草坪区", "万柏林区", "晋源区"],
          "大同市": ["平城区", "云冈区", "新荣区"], "阳泉市": ["城区", "矿区", "郊区"],
          "长治市": ["潞州区", "上党区", "屯留区"], "晋城市": ["城区", "泽州县", "高平市"],
          "朔州市": ["朔城区", "平鲁区"], "晋中市": ["榆次区", "太谷区", "介休市"],
          "运城市": ["盐湖区", "永济市", "河津市"], "忻州市": ["忻府区", "原平市"],
          "临汾市": ["尧都区", "侯马市", "霍州市"], "吕梁市": ["离石区", "孝义市", "汾阳市"]}
WORDS = ["鑫源", "宏达", "华通", "恒泰", "永盛", "金鼎", "瑞丰", "顺发", "龙腾", "晋泰", "汇丰", "盛世",
         "东方", "同力", "新星", "天利", "民安", "福源", "国泰", "众诚"]
KINDS = [("加油站有限公司", "车用汽油"), ("加油站有限公司", "车用柴油"), ("商贸有限公司", "羽绒服装"),
         ("化工有限公司", "氯碱"), ("超市有限公司", "羽绒服装"), ("能源有限公司", "车用尿素水溶液")]
STATUSES = ([VisitStatus.FINISHED] * 88 + [VisitStatus.REFUSED] * 4 + [VisitStatus.PROBLEM_REPORTED] * 3
            + [VisitStatus.ABANDONED] * 4 + [VisitStatus.IN_PROGRESS])

AGENCY = Agency("agency-bench", "山西省检验检测中心", "太原市小店区", "王工", "0351-0000000")
TEAM = [Sampler("s-a", "张伟", "晋抽证2022-0017", AGENCY.id), Sampler("s-b", "李娜", "晋抽证2022-0042", AGENCY.id)]


def party_name(rnd: random.Random) -> tuple[str, str]:
    city = rnd.choice(list(CITIES))
    kind, product = rnd.choice(KINDS)
    return f"{city}{rnd.choice(CITIES[city])}{rnd.choice(WORDS)}{rnd.choice(WORDS)}{kind}", product


def _sha(rnd: random.Random) -> str:
    return "%064x" % rnd.getrandbits(256)


def template_doc(ws: Workspace, plan_id: str) -> dict:
    """A visit as stored after finishing: started through the services, then
    filled with what a finished visit carries."""
    party = InspectedParty(id="p-bench", name="太原市迎泽区某某加油站有限公司", credit_code="",
                           address="山西省太原市迎泽区迎泽大街100号", contact="钱经理", phone="13800000000")
    item = next(i for i in ensure_plan(ws).items if i.product == "车用汽油")
    import_master_data(ws, agencies=[AGENCY], samplers=TEAM, tasks=[Task(
        id="t-bench", plan_id=plan_id, plan_item_ids=[item.id], party=party, team=list(TEAM),
        agency_id=AGENCY.id, due_date="2022-11-15")])
    v = visits.start_visit(ws, "t-bench")
    rnd, now = random.Random(1), ws.now()
    v.evidence = [EvidenceItem(str(uuid.uuid4()), c, _sha(rnd), captured_at=now) for c in
                  (EvidenceCategory.SITE, EvidenceCategory.STORAGE, EvidenceCategory.LABEL,
                   EvidenceCategory.STOCK, EvidenceCategory.SAMPLING, EvidenceCategory.SEALED)]
    v.sample = replace(v.sample, trademark="中国石化", spec_model="92号", batch_no="20221114-02",
                       standard="GB 17930-2016", quality_grade="合格品", unit_price=Decimal("7.85"),
                       base_quantity=Decimal("18000"), supplier="中国石化销售股份有限公司山西太原石油分公司",
                       sampling_place="加油机", sampling_method="按GB/T 4756从加油枪取样", sample_state="液体")
    v.payment = replace(v.payment, quantity=Decimal("2"), unit_price=Decimal("7.85"),
                        amount=Decimal("15.70"), paid=True, backup_free=True)
    v.seals = [Seal(str(uuid.uuid4()), f"FS-{k}-0001", kind, sealed_at=now)
               for k, kind in enumerate((SampleKind.TEST, SampleKind.BACKUP))]
    v.signatures = [Signature(str(uuid.uuid4()), role, name, _sha(rnd), signed_at=now) for role, name in
                    ((SignerRole.SAMPLER, "张伟"), (SignerRole.SAMPLER, "李娜"), (SignerRole.PARTY, "钱经理"))]
    v.record_hash, v.finished_at = _sha(rnd), now
    return to_plain(v, volatile=True)


def populate(ws: Workspace, n: int, *, seed: int = 7, now: datetime | None = None,
             synced_days: float | None = 2.0) -> dict:
    """Insert n visits spread over the last 90 days; returns counts per status.
    A laptop that syncs every evening: the records of visits ended more than
    `synced_days` ago were delivered (their outbox items are sent), the
    rest wait (None: nothing ever synced)."""
    plan_id = ensure_plan(ws).id
    base = template_doc(ws, plan_id)
    items = {i.product: i.id for i in ensure_plan(ws).items}
    rnd = random.Random(seed)
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    rows, outbox, counts = [], [], {}
    for k in range(n):
        name, product = party_name(rnd)
        status = rnd.choice(STATUSES)
        started = now - timedelta(days=rnd.uniform(0, 90))
        ended = status not in (VisitStatus.IN_PROGRESS,)
        doc = dict(base, id=str(uuid.uuid4()), status=status.value)
        doc["party"] = dict(base["party"], name=name)
        rows.append(dict(id=doc["id"], record_no=f"{plan_id}-{started:%Y%m%d}-B{k:06d}", task_id="t-bench",
                         plan_id=plan_id, plan_item_id=items.get(product, ""), party_key=name, party_name=name,
                         product=product, status=status.value, step="documents" if ended else "sample",
                         started_at=started, updated_at=started + timedelta(hours=1),
                         finished_at=started + timedelta(hours=1) if ended else None,
                         record_hash=doc.get("record_hash", ""),
                         doc=json.dumps(doc, ensure_ascii=False, separators=(",", ":"))))
        counts[status.value] = counts.get(status.value, 0) + 1
        if ended and synced_days is not None and now - started > timedelta(days=synced_days):
            outbox.append(dict(client_id=str(uuid.uuid4()), position=len(outbox) + 1, kind="record",
                               visit_id=doc["id"], task_id="t-bench", record_hash=rows[-1]["record_hash"],
                               canonical=b"{}", status="sent", created_at=started + timedelta(hours=1),
                               sent_at=started + timedelta(hours=12)))
    with ws.db.session() as s:
        for i in range(0, n, 2000):
            s.execute(insert(VisitRow), rows[i:i + 2000])
        for i in range(0, len(outbox), 2000):
            s.execute(insert(OutboxItem), outbox[i:i + 2000])
    counts["synced"] = len(outbox)
    return counts


def doc_size(ws: Workspace) -> int:
    with ws.db.session() as s:
        return len(s.query(VisitRow.doc).limit(1).scalar() or "")

