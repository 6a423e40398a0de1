"""A realistic, fully populated demo visit: 车用汽油 92# sampled at a gas
station by a team of two, paid, sealed in four packages (backup left sealed
at the station with the province's approval), signed by everyone.

The names of the station and the refinery are fictional. The lead reuses
demo_visit() for demo data; demo_context() adds what the documents need
(signature images, signed seal payloads).
"""
from __future__ import annotations

import hashlib
import io
import math
import random
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw, ImageOps

from app.domain import record
from app.domain.credit_code import check_char
from app.domain.entities import Agency, InspectedParty, Producer, Sampler, Task
from app.domain.plan import Plan, PlanItem, Scope
from app.domain.seal_payload import KeySigner, Signer, encode, payload_for_seal
from app.domain.times import CHINA
from app.domain.visit import (BackupStorage, EvidenceCategory, EvidenceItem, NoSampleReason, NoSampleRecord,
                              Payment, PriceBasis, ProblemReport, ProblemType, RefusalRecord,
                              RefusalSituation, SampleDetails, SampleKind, Seal, ShownDocuments,
                              Signature, SignerRole, TeamMember, Visit, VisitStatus)
from forms.context import Authority, DocumentContext, ImprovementAdvice, PlanNotice, Rejection

TZ = CHINA
T0 = datetime(2022, 10, 12, 9, 40, tzinfo=TZ)
VISIT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "field-sampler/demo/visit/0018"))

PLAN_ITEM = PlanItem(id="2022-4-11", seq=11, category="交通用具及相关产品", product="车用汽油",
                     batches=100, scopes=(Scope.GAS_STATION,))
PLAN = Plan(id="2022-4", title="2022年第四批产品质量监督抽查", document_no="晋市监函〔2022〕279号",
            items=(PLAN_ITEM,))
AGENCY = Agency(id="sxjc", name="山西省检验检测中心", address="山西省太原市小店区坞城路 168 号",
                contact="王建国", phone="0351-7654321")
AUTHORITY = Authority(address="山西省太原市万柏林区滨河西路 88 号", postcode="030024",
                      phone="0351-8888000")
SAMPLERS = [Sampler(id="s-li", name="李明", certificate_no="晋抽 2022-0153", agency_id="sxjc"),
            Sampler(id="s-zhao", name="赵晓燕", certificate_no="晋抽 2022-0171", agency_id="sxjc")]


def _credit_code(first17: str) -> str:
    return first17 + check_char(first17)


def signature_png(name: str, ink=(20, 30, 110)) -> bytes:
    """A handwriting-like scribble standing in for a drawn signature: an RGB
    PNG, ink on white, trimmed to the ink, as the signature pad saves it
    (app/ui/signature_canvas.py: Format_RGB32 filled white)."""
    rnd = random.Random(name)
    img = Image.new("RGB", (480, 160), "white")
    d = ImageDraw.Draw(img)
    x = 30.0
    for _ in name:
        pts = []
        amp, loops = rnd.uniform(25, 45), rnd.randint(2, 3)
        for i in range(60):
            t = i / 59 * loops * 2 * math.pi
            pts.append((x + 110 * i / 59 + 18 * math.cos(t), 85 + amp * math.sin(t) * (0.6 + 0.4 * math.cos(t / 3))))
        d.line(pts, fill=ink, width=5, joint="curve")
        x += 130 + rnd.uniform(-10, 10)
    d.line([(40, 138), (x - 20, 128)], fill=ink, width=3)
    img = img.crop(ImageOps.invert(img).getbbox())       # like the pad: trimmed to the ink
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def demo_party() -> InspectedParty:
    return InspectedParty(
        id="p-0018", name="太原市晋安石油化工销售有限公司迎泽大街第十八加油站（演示数据）",
        credit_code=_credit_code("91140106MA0K8Q3D7"),
        licence_no="晋成品油零售经营批准证书 油零售证书第 1401060118 号",
        address="山西省太原市迎泽区迎泽大街与双塔西街交叉口东南角（迎泽大街 388 号院内）",
        postcode="030001", legal_representative="孙志强", contact="周丽华", phone="0351-4123456",
        scale="小型", economic_type="有限责任公司", scope=Scope.GAS_STATION)


# 车用汽油's product-specific fields (resources/sampling_rules.json)
PETROL_FIELDS = {"fuel_grade": "92#", "emission_stage": "国VI(A)", "tank_no": "2号罐",
                 "pump_no": "5号加油机9号油枪", "detergent_added": "是", "tank_stock": "18600",
                 "last_delivery_date": "2022-10-08", "supplier": "晋能示范石油销售有限公司太原油库（演示数据）"}


def demo_visit(with_signatures: bool = True) -> tuple[Visit, dict[str, bytes]]:
    """The demo visit, finished and signed, and its signature images (sha256 -> PNG)."""
    images: dict[str, bytes] = {}
    signatures = []
    people = [(SignerRole.SAMPLER, s.name, s.id) for s in SAMPLERS] + [(SignerRole.PARTY, "周丽华", "1401**********0427")]
    for i, (role, name, ref) in enumerate(people):
        png = signature_png(name)
        digest = hashlib.sha256(png).hexdigest()
        images[digest] = png
        signatures.append(Signature(id=f"sig-{i}", role=role, name=name, image_sha256=digest,
                                    signer_ref=ref, signed_at=T0 + timedelta(minutes=75)))
    sealed_at = T0 + timedelta(minutes=55)
    seals = [Seal(id=f"seal-{k}{n}", seal_no=f"SX0018-{'J' if k == SampleKind.TEST else 'B'}{n}", kind=k,
                  package_no=n, sealed_at=sealed_at)
             for k in (SampleKind.TEST, SampleKind.BACKUP) for n in (1, 2)]
    # the backup stays at the station: 封存标识 at the openings of its packages
    seals += [Seal(id=f"seal-f{n}", seal_no=f"SX0018-F{n}", kind=SampleKind.BACKUP, package_no=n,
                   sealed_at=sealed_at, on_site_storage=True) for n in (1, 2)]
    evidence = [EvidenceItem(id=f"ev-{c.value}", category=c,
                             sha256=hashlib.sha256(f"demo-photo-{c.value}".encode()).hexdigest(),
                             captured_at=T0 + timedelta(minutes=10))
                for c in (EvidenceCategory.SITE, EvidenceCategory.STORAGE, EvidenceCategory.LABEL,
                          EvidenceCategory.STOCK, EvidenceCategory.SAMPLING, EvidenceCategory.SEALED,
                          EvidenceCategory.ON_SITE_STORAGE)]
    visit = Visit(
        id=VISIT_ID, record_no="SX2022-4-0018", task_id="t-0018", plan_id=PLAN.id, agency_id=AGENCY.id,
        status=VisitStatus.FINISHED, started_at=T0,
        team=[TeamMember(s.id, s.name, s.certificate_no) for s in SAMPLERS],
        shown=ShownDocuments(True, True, True), party=demo_party(),
        producer=Producer(name="山西晋能示范炼化有限公司（演示数据）", address="山西省晋中市榆次区工业园区炼化路 1 号",
                          contact="高峰", phone="0354-3012345"),
        evidence=evidence,
        sample=SampleDetails(
            product="车用汽油", plan_item_id=PLAN_ITEM.id, trademark="晋能", spec_model="92#",
            batch_no="进货批次 20221008-03", production_date="2022-10-06", quality_grade="合格品",
            standard="GB 17930-2016", unit="L", unit_price=Decimal("8.39"), price_basis=PriceBasis.MARKED,
            price_basis_note="加油机显示标价", base_quantity=Decimal("18600"), test_quantity=Decimal("2"),
            backup_quantity=Decimal("2"), sample_state="液体，清澈透明，无悬浮物",
            product_fields=dict(PETROL_FIELDS), sampling_place="加油机油枪",
            sampling_method="按实施细则从加油机油枪抽取，先放出管线内油品 4 L 后分装于 1 L 洁净铝瓶，共 4 瓶",
            shipping_method="检验样品随样携带；备用样品封存于受检单位"),
        payment=Payment(quantity=Decimal("2"), unit_price=Decimal("8.39"), amount=Decimal("16.78"),
                        method="现金", paid=True, backup_free=True, invoice_no="14001224 00381567",
                        invoice_issuer="太原市晋安石油化工销售有限公司（演示数据）"),
        seals=seals,
        backup_storage=BackupStorage(on_site=True, approval_no="晋市监质函〔2022〕112号",
                                     location="站房东侧危化品储存柜（监控摄像头 3 号覆盖）", camera_covered=True),
        signatures=signatures if with_signatures else [],
        remarks="演示数据（demo data），非真实抽样记录。",
        finished_at=T0 + timedelta(minutes=80))
    visit.sealing_hash = record.sealing_hash(visit)      # fixed when the labels were printed
    visit.record_hash = record.record_hash(visit)
    return visit, images


def seal_vouched_hash(visit: Visit) -> str:
    """The hash seal QRs bind: the sealing hash when the domain has it
    (fixed before anyone signs), else the record hash."""
    sealing = getattr(record, "sealing_hash", None)
    return sealing(visit) if sealing else (visit.record_hash or record.record_hash(visit))


def seal_payloads(visit: Visit, signer: Signer) -> dict[str, str]:
    vouched = seal_vouched_hash(visit)
    return {s.seal_no: encode(payload_for_seal(visit, s, vouched), signer) for s in visit.seals}


def demo_context(signer: Signer | None = None) -> DocumentContext:
    """Everything the documents of the demo visit need. Pass the device's
    key as signer, or a throwaway KeySigner is used."""
    visit, images = demo_visit()
    task = Task(id=visit.task_id, plan_id=PLAN.id, plan_item_ids=[PLAN_ITEM.id], party=visit.party,
                team=SAMPLERS, agency_id=AGENCY.id, due_date="2022-10-31", notice_no="晋市监抽〔2022〕4-0018号")
    advice = ImprovementAdvice(
        report_no="SXJC-YP-2022-4-0018", failed_items="研究法辛烷值（RON）；烯烃含量（体积分数）",
        problem="研究法辛烷值实测 91.2，标准要求不小于 92；烯烃含量实测 19.6%，标准要求不大于 18%。",
        cause="调和组分比例控制不当，进货验收未逐批核对出厂检验报告；储罐切换时混入低标号油品。",
        advice="建立进货查验制度，逐批索取并核对出厂检验报告；加强储罐标识和卸油操作管理；"
               "对同批次在售油品开展自查，必要时委托有资质的机构检验。",
        issued_on=datetime(2022, 11, 18, tzinfo=TZ))
    rejection = Rejection(seal_no="SX0018-B2", sample_kind="备用样品", package_no=2,
                          received_at=datetime(2022, 10, 13, 9, 40, tzinfo=TZ), seal_intact=False, matches_form=True,
                          quantity_ok=True, reason="封条一角撕裂，瓶口有渗漏痕迹，无法确认样品未被开启。", receiver="周检验",
                          findings=["签名有效，与抽样记录相符"])
    from app.domain.reference_data import load_plan_notice, load_sampling_rules
    return DocumentContext(visit=visit, agency=AGENCY, authority=AUTHORITY, plan=PLAN, plan_item=PLAN_ITEM,
                           task=task, signature_images=images,
                           seal_payloads=seal_payloads(visit, signer or KeySigner()), advice=advice,
                           plan_notice=PlanNotice(**load_plan_notice()),
                           notice_valid_until=datetime(2022, 10, 31, tzinfo=TZ).date(),
                           rule=load_sampling_rules()["车用汽油"], rejection=rejection)


def demo_refusal_context(base: DocumentContext | None = None) -> DocumentContext:
    """The same station, had it refused: the refusal determination."""
    ctx = base or demo_context()
    at = T0 + timedelta(minutes=20)
    evidence = [EvidenceItem(id=f"ev-refusal-{n}", category=EvidenceCategory.REFUSAL,
                             sha256=hashlib.sha256(f"demo-refusal-{n}".encode()).hexdigest(),
                             media="video/mp4" if n == 5 else "image/jpeg", captured_at=at)
                for n in range(1, 6)]
    witness_png = signature_png("郭建平")
    witness = Signature(id="sig-witness", role=SignerRole.WITNESS, name="郭建平",
                        image_sha256=hashlib.sha256(witness_png).hexdigest(), signer_ref="郭建平",
                        signed_at=at + timedelta(minutes=10))
    v = replace(ctx.visit, status=VisitStatus.REFUSED, evidence=evidence, seals=[], signatures=[
        s for s in ctx.visit.signatures if s.role == SignerRole.SAMPLER] + [witness], refusal=RefusalRecord(
        situation=RefusalSituation.UNREASONABLE_PRICE, occurred_at=at,
        place="加油站站房营业厅", products="车用汽油（92#）",
        facts="抽样人员出示通知书、证件和授权委托书后，站长要求按每升 200 元收取样品费用，"
              "明显高于加油机标价 8.39 元/升，经反复说明仍拒绝按标价提供样品。",
        evidence_note="现场照片 4 张、录像 1 段（3 分 12 秒）",
        county_bureau="太原市迎泽区市场监督管理局", reported_to_province=True,
        witness_name="郭建平", witness_unit="太原市迎泽区市场监督管理局"))
    return replace(ctx, visit=v, signature_images={**ctx.signature_images, witness.image_sha256: witness_png})


def demo_problem_context(base: DocumentContext | None = None) -> DocumentContext:
    """The same station, had it had no retail licence: the problem report."""
    ctx = base or demo_context()
    at = T0 + timedelta(minutes=30)
    evidence = [EvidenceItem(id=f"ev-problem-{n}", category=EvidenceCategory.PROBLEM,
                             sha256=hashlib.sha256(f"demo-problem-{n}".encode()).hexdigest(), captured_at=at)
                for n in range(1, 5)]
    # The station shows its 成品油零售经营批准证书 (its number is on the
    # sampling form); what it cannot show is a valid 危险化学品经营许可证.
    v = replace(ctx.visit, status=VisitStatus.PROBLEM_REPORTED, evidence=evidence, seals=[], problem=ProblemReport(
        problem_type=ProblemType.UNLICENSED,
        description="现场出示的危险化学品经营许可证有效期至2022年6月30日，已过期，未能出示延续后的许可证。",
        evidence_note="许可证照片 1 张，站房及储罐区照片 3 张",
        reporter="李明、赵晓燕", reported_at=at))
    return replace(ctx, visit=v)


def demo_no_sample_context(base: DocumentContext | None = None) -> DocumentContext:
    """The same station, had it stopped selling 92# petrol: the no-sample statement."""
    ctx = base or demo_context()
    at = T0 + timedelta(minutes=15)
    evidence = [EvidenceItem(id=f"ev-no-sample-{n}", category=EvidenceCategory.NO_SAMPLE,
                             sha256=hashlib.sha256(f"demo-no-sample-{n}".encode()).hexdigest(), captured_at=at)
                for n in range(1, 4)]
    v = replace(ctx.visit, status=VisitStatus.NO_SAMPLE, evidence=evidence, seals=[], no_sample=NoSampleRecord(
        reason=NoSampleReason.NO_STOCK, occurred_at=at, place=ctx.visit.party.address, products="车用汽油",
        description="该站 92# 汽油储罐（2 号罐）自 2022 年 10 月 10 日起停用检修，罐存量为零，"
                    "加油机 92# 油枪已停止加油；站内无其他车用汽油库存。",
        local_bureau="太原市迎泽区市场监督管理局"))
    return replace(ctx, visit=v)
