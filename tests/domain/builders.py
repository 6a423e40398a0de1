"""Plain-Python visits for the domain tests: one that satisfies every rule of
the notice, so each test breaks exactly one thing and sees exactly that fail."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from app.domain.credit_code import check_char
from app.domain.entities import InspectedParty, Producer
from app.domain.plan import PlanItem, SamplingRule, Scope
from app.domain.visit import (Amendment, BackupStorage, EvidenceCategory, EvidenceItem, Payment,
                              PriceBasis, ProblemReport, ProblemType, RefusalRecord,
                              RefusalSituation, SampleDetails, SampleKind, Seal, ShownDocuments,
                              Signature, SignerRole, SignRefusal, TeamMember, Visit)
from app.domain.workflow import VisitContext

CHINA = timezone(timedelta(hours=8))
T0 = datetime(2022, 11, 15, 10, 30, tzinfo=CHINA)

GASOLINE = PlanItem("2022-4-11", 11, "交通用具及相关产品", "车用汽油", 100, (Scope.GAS_STATION,))
DIESEL = PlanItem("2022-4-10", 10, "交通用具及相关产品", "车用柴油", 200, (Scope.GAS_STATION,))
UREA = PlanItem("2022-4-12", 12, "交通用具及相关产品", "车用尿素水溶液", 50, (Scope.PRODUCER, Scope.GAS_STATION))
DOWN = PlanItem("2022-4-18", 18, "服装鞋帽及家用纺织品", "羽绒服装", 30, (Scope.SELLER,))
CHLOR = PlanItem("2022-4-13", 13, "工业生产资料", "氯碱", 5, (Scope.PRODUCER,))

GASOLINE_RULE = SamplingRule("车用汽油", "L", "4", "4", container="1 L 洁净玻璃瓶", packages_test=2,
                             packages_backup=2)


def sha(n: int) -> str:
    """A distinct, well-formed SHA-256 hex string per n."""
    return f"{n:064x}"


def credit_code(body17: str = "91140100MA0K3R5X1") -> str:
    return body17 + check_char(body17)


def team() -> list[TeamMember]:
    return [TeamMember("s-zhang", "张伟", "晋抽证2022-0017"), TeamMember("s-li", "李娜", "晋抽证2022-0042")]


def evidence_all() -> list[EvidenceItem]:
    cats = [EvidenceCategory.SITE, EvidenceCategory.STORAGE, EvidenceCategory.LABEL,
            EvidenceCategory.STOCK, EvidenceCategory.SAMPLING, EvidenceCategory.SEALED]
    return [EvidenceItem(f"e-{c.value}", c, sha(i + 1), captured_at=T0 + timedelta(minutes=i))
            for i, c in enumerate(cats)]


def seals(packages_test: int = 2, packages_backup: int = 2) -> list[Seal]:
    out = [Seal(f"seal-j{i}", f"FS-001-J{i}", SampleKind.TEST, i, T0) for i in range(1, packages_test + 1)]
    out += [Seal(f"seal-b{i}", f"FS-001-B{i}", SampleKind.BACKUP, i, T0) for i in range(1, packages_backup + 1)]
    return out


def signatures() -> list[Signature]:
    return [Signature("sig-1", SignerRole.SAMPLER, "张伟", sha(101), "s-zhang", T0),
            Signature("sig-2", SignerRole.SAMPLER, "李娜", sha(102), "s-li", T0),
            Signature("sig-3", SignerRole.PARTY, "钱经理", sha(103), "140105198001010011", T0)]


def complete_visit() -> Visit:
    """A gas-station visit for 车用汽油 that satisfies every rule."""
    return Visit(
        id="v-1", record_no="2022-4-20221115-AB12-001", task_id="t-gas-1", plan_id="2022-4",
        agency_id="agency-sxjc", started_at=T0, team=team(),
        shown=ShownDocuments(True, True, True),
        party=InspectedParty(id="p-gas", name="太原市迎泽区某某加油站有限公司", credit_code=credit_code(),
                             licence_no="晋油零售2019-123", address="山西省太原市迎泽区迎泽大街100号",
                             contact="钱经理", phone="13800000000", scope=Scope.GAS_STATION),
        producer=Producer(name="中国石化销售股份有限公司山西太原石油分公司"),
        evidence=evidence_all(),
        sample=SampleDetails(product="车用汽油", plan_item_id=GASOLINE.id, batch_no="20221114-02", unit="L",
                             unit_price=Decimal("7.85"), price_basis=PriceBasis.MARKED,
                             base_quantity=Decimal("18000"), test_quantity=Decimal("4"),
                             backup_quantity=Decimal("4"), fuel_grade="92#", tank_no="2号罐"),
        payment=Payment(quantity=Decimal("4"), unit_price=Decimal("7.85"), amount=Decimal("31.40"),
                        paid=True, backup_free=True),
        seals=seals(),
        signatures=signatures(),
    )


def context(**kw) -> VisitContext:
    kw.setdefault("plan_item", GASOLINE)
    kw.setdefault("rule", GASOLINE_RULE)
    return VisitContext(**kw)


def fully_populated_visit() -> Visit:
    """Every optional part filled, for round-trip tests."""
    v = complete_visit()
    v.step = "sign"
    v.back_stack = ["arrive", "party", "evidence", "sample", "pay", "seal"]
    v.evidence.append(EvidenceItem("e-removed", EvidenceCategory.OTHER, sha(50), "video/mp4", T0, "重拍", True))
    v.evidence_waivers = {"storage": "加油站无独立仓库，油品贮存于地下油罐"}
    v.backup_storage = BackupStorage(True, "晋市监批〔2022〕12号", "站房监控覆盖的储物间", True)
    v.seals.append(Seal("seal-f1", "FS-001-F1", SampleKind.BACKUP, 1, T0, on_site_storage=True))
    v.sign_refusal = SignRefusal("负责人外出，店员拒签", "孙见证", "140105199001010022", sha(104))
    v.refusal = RefusalRecord(RefusalSituation.UNREASONABLE_PRICE, T0, "站房", "车用汽油", "报价每升100元",
                              "录像一段", "迎泽区市场监督管理局", True)
    v.problem = ProblemReport(ProblemType.OTHER_ILLEGAL, "无营业执照", "照片", "已终止抽样", "张伟", T0)
    v.sealing_hash = sha(200)
    v.remarks = "备注：现场天气晴"
    v.finished_at = T0 + timedelta(hours=1)
    v.record_hash = sha(300)
    v.amendments = [Amendment("a-1", "sample.batch_no", "20221114-02", "20221114-03", "笔误", T0, sha(300),
                              sha(105), sha(301))]
    return v


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def only(problems):
    assert len(problems) == 1, [p.text() for p in problems]
    return problems[0]
