"""The visit aggregate (现场抽样) and everything recorded during it.

All of it is plain data; the rules live in rules.py and the flow in
workflow.py. Fields marked volatile (navigation, timestamps of saving) are
left out of the canonical record.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.domain.entities import InspectedParty, Producer
from app.domain.i18n import N_

VOLATILE = {"volatile": True}


class VisitStatus(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"            # signed, frozen
    REFUSED = "refused"              # ended by the refusal form (拒检)
    PROBLEM_REPORTED = "problem_reported"   # ended by the problem report
    NO_SAMPLE = "no_sample"          # ended by 未抽到样品: nothing could be sampled there
    ABANDONED = "abandoned"          # task cancelled on the server; kept, never deleted


class EvidenceCategory(str, enum.Enum):
    SITE = "site"                    # 抽样场所
    STORAGE = "storage"              # 贮存环境
    LABEL = "label"                  # 产品标识
    STOCK = "stock"                  # 库存数量
    SAMPLING = "sampling"            # 抽样过程
    SEALED = "sealed"                # 封样状态
    ON_SITE_STORAGE = "on_site_storage"  # 封存状态 (backup left at the party)
    # Product-specific photos a sampling rule may require (required_photos):
    PUMP = "pump"                    # 加油机、油枪及显示的牌号和单价
    DELIVERY = "delivery"            # 进货/进罐凭证（供货单位、日期）
    NAMEPLATE = "nameplate"          # 铭牌、型号规格和额定参数
    CERTIFICATE = "certificate"      # 认证标志、证书或许可证
    PRESCRIPTION = "prescription"    # 验光处方、加工单
    CARE_LABEL = "care_label"        # 耐久性标签、吊牌（纤维含量、含绒量）
    REFUSAL = "refusal"              # 拒检证据
    PROBLEM = "problem"              # 问题证据
    NO_SAMPLE = "no_sample"          # 未抽到样品的证据（停业、无库存…）
    OTHER = "other"


class SampleKind(str, enum.Enum):
    TEST = "test"        # 检验样品
    BACKUP = "backup"    # 备用样品


class PriceBasis(str, enum.Enum):
    MARKED = "marked"    # 标价
    MARKET = "market"    # 同类产品市场价


class SignerRole(str, enum.Enum):
    SAMPLER = "sampler"
    PARTY = "party"
    WITNESS = "witness"


@dataclass
class TeamMember:
    sampler_id: str
    name: str
    certificate_no: str
    present: bool = True
    # Not on the task's team: added by the samplers on site (a replacement,
    # or a colleague who joined). Left out of the record when False, so
    # records signed before this field existed keep their hash.
    added_on_site: bool = False


@dataclass
class ShownDocuments:
    """出示: the notice, each sampler's ID and the authorization letter copy."""
    inspection_notice: bool = False
    sampler_ids: bool = False
    authorization_letter: bool = False


@dataclass
class EvidenceItem:
    id: str
    category: EvidenceCategory
    sha256: str
    media: str = "image/jpeg"        # or video/*
    captured_at: datetime | None = None   # when it was added to the visit
    note: str = ""
    removed: bool = False            # removed before signing: kept in store, not in record
    # What the file itself says (EXIF / video header), read at import, and
    # the checks against the visit (app.domain.evidence_checks). Left out of
    # the record when empty, so earlier records keep their hash.
    taken_at: datetime | None = None
    latitude: str = ""
    longitude: str = ""
    distance_m: int | None = None    # from the party's known position
    flags: list[str] = field(default_factory=list)


@dataclass
class SampleDetails:
    """样品: what was sampled and how much."""
    product: str = ""                # 产品名称
    plan_item_id: str = ""
    trademark: str = ""              # 商标
    spec_model: str = ""             # 规格型号
    batch_no: str = ""               # 生产日期 / 批号
    production_date: str = ""
    quality_grade: str = ""          # 质量等级
    standard: str = ""               # 执行标准
    unit: str = ""
    unit_price: Decimal | None = None
    price_basis: PriceBasis | None = None
    price_basis_note: str = ""       # e.g. where the market price came from
    base_quantity: Decimal | None = None   # 抽样基数 (stock on hand)
    test_quantity: Decimal | None = None
    backup_quantity: Decimal | None = None
    sample_state: str = ""           # 样品状态
    # Product-specific fields (key -> value as text) defined by the product's
    # sampling rule (SamplingRule.fields). Left out of the record when empty.
    product_fields: dict[str, str] = field(default_factory=dict)
    # fuels, as recorded before product fields existed (kept so old records
    # load and verify; new visits use product_fields)
    fuel_grade: str = ""             # 92# / 95# / 98# / 0#
    tank_no: str = ""                # 油罐号
    pump_no: str = ""                # 加油机编号
    purchase_date: str = ""          # 进货日期
    supplier: str = ""               # 供货单位
    # sampling
    sampling_place: str = ""         # 成品库 / 货架 / 油罐
    sampling_method: str = ""
    shipping_method: str = N_("随样携带")  # 样品寄送方式 (recorded in Chinese; app.services.choices)


@dataclass
class Payment:
    """付费单: the test sample is bought; the backup is given free."""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    method: str = N_("现金")          # 付款方式 (recorded in Chinese; app.services.choices)
    paid: bool = False
    backup_free: bool = False        # 备用样品由受检单位先行无偿提供
    fee_charged_to_party: Decimal = Decimal("0")  # must stay 0: no fee may be charged
    invoice_no: str = ""             # 发票号, when the party gives an invoice
    invoice_issuer: str = ""         # 开票单位


@dataclass
class Seal:
    id: str
    seal_no: str                     # 封条编号, unique
    kind: SampleKind
    package_no: int = 1              # which package of that sample kind
    sealed_at: datetime | None = None
    on_site_storage: bool = False    # 封存标识 at package openings


@dataclass
class BackupStorage:
    """备用样品存放: carried to the lab, or left sealed at the party."""
    on_site: bool = False
    approval_no: str = ""            # 省局批准文号
    location: str = ""               # 封存地点 (where a camera covers it)
    camera_covered: bool = False


@dataclass
class Signature:
    id: str
    role: SignerRole
    name: str
    image_sha256: str                # PNG in the evidence store
    signer_ref: str = ""             # sampler id, or ID number of party/witness
    signed_at: datetime | None = None


@dataclass
class SignRefusal:
    """受检单位拒签: written on the form; a witness may sign."""
    reason: str = ""
    witness_name: str = ""
    witness_id_no: str = ""
    witness_signature_sha256: str = ""


class RefusalSituation(str, enum.Enum):
    REFUSE_SAMPLING = "refuse_sampling"      # 拒绝抽样
    OBSTRUCT = "obstruct"                    # 阻碍抽样
    UNREASONABLE_PRICE = "unreasonable_price"  # 以明显不合理的样品价格等方式不配合
    OTHER = "other"


@dataclass
class RefusalRecord:
    """拒检认定表."""
    situation: RefusalSituation = RefusalSituation.REFUSE_SAMPLING
    occurred_at: datetime | None = None
    place: str = ""
    products: str = ""
    facts: str = ""                  # 事实经过
    evidence_note: str = ""
    county_bureau: str = ""          # 县级市场监管部门
    reported_to_province: bool = False
    witness_name: str = ""           # 见证人 (left out of the record when empty)
    witness_unit: str = ""           # 见证人单位


class ProblemType(str, enum.Enum):
    UNLICENSED = "unlicensed"        # 无证无照
    OTHER_ILLEGAL = "other_illegal"  # 其他无需检验即可判定违法的情形


@dataclass
class ProblemReport:
    """样品问题报送单."""
    problem_type: ProblemType = ProblemType.UNLICENSED
    description: str = ""
    evidence_note: str = ""
    handling: str = "已终止抽样"      # i18n: recorded value, printed on the report
    reporter: str = ""
    reported_at: datetime | None = None
    receivers: str = "省局; 受检单位所在地市、县级市场监管部门"  # i18n: recorded value, printed on the report


class NoSampleReason(str, enum.Enum):
    """未抽样原因: why nothing could be sampled at the party."""
    CLOSED = "closed"                # 倒闭、关停
    DEREGISTERED = "deregistered"    # 注销
    STOPPED = "stopped"              # 停产
    CHANGED = "changed"              # 转产
    EXPORT_ONLY = "export_only"      # 全部用于出口
    NO_STOCK = "no_stock"            # 无该产品库存（或库存不足抽样数量）
    OTHER = "other"


@dataclass
class NoSampleRecord:
    """未抽到样品企业情况说明: the visit ends without a sample; the plan
    item's slot is freed so a replacement party can be drawn."""
    reason: NoSampleReason = NoSampleReason.NO_STOCK
    description: str = ""            # 过程简要描述
    occurred_at: datetime | None = None
    place: str = ""
    products: str = ""
    local_bureau: str = ""           # 当地市场监管部门 (confirms a closure)


@dataclass
class Amendment:
    """更正/补充 after signing: the original stays; this chains to it."""
    id: str
    path: str                        # dotted path, e.g. "sample.batch_no"
    old_value: str
    new_value: str
    reason: str
    created_at: datetime | None = None
    prev_hash: str = ""              # hash of the record (or previous amendment)
    party_signature_sha256: str = ""  # the party's confirmation
    hash: str = ""


@dataclass
class Visit:
    id: str
    record_no: str                   # 编号 (抽样单编号)
    task_id: str = ""
    plan_id: str = ""
    agency_id: str = ""
    status: VisitStatus = VisitStatus.IN_PROGRESS
    started_at: datetime | None = None
    team: list[TeamMember] = field(default_factory=list)
    shown: ShownDocuments = field(default_factory=ShownDocuments)
    party: InspectedParty = field(default_factory=InspectedParty)
    producer: Producer = field(default_factory=Producer)
    evidence: list[EvidenceItem] = field(default_factory=list)
    evidence_waivers: dict[str, str] = field(default_factory=dict)  # category -> written reason
    sample: SampleDetails = field(default_factory=SampleDetails)
    payment: Payment = field(default_factory=Payment)
    seals: list[Seal] = field(default_factory=list)
    backup_storage: BackupStorage = field(default_factory=BackupStorage)
    signatures: list[Signature] = field(default_factory=list)
    sign_refusal: SignRefusal | None = None
    refusal: RefusalRecord | None = None
    problem: ProblemReport | None = None
    no_sample: NoSampleRecord | None = None   # left out of the record when None
    sealing_hash: str = ""           # hash of what the seals vouch for (record.sealing_document)
    remarks: str = ""
    finished_at: datetime | None = None
    # A new visit on a task whose earlier visit ended (e.g. the party refused,
    # then agreed): the earlier visit and the sampler's reason. Left out of
    # the record when empty, so earlier records keep their hash.
    restart_of: str = ""
    restart_reason: str = ""
    # Not part of the signed record: navigation and the frozen result.
    step: str = field(default="arrive", metadata=VOLATILE)
    back_stack: list[str] = field(default_factory=list, metadata=VOLATILE)
    passed: list[str] = field(default_factory=list, metadata=VOLATILE)   # steps completed with Next
    record_hash: str = field(default="", metadata=VOLATILE)
    amendments: list[Amendment] = field(default_factory=list, metadata=VOLATILE)

    @property
    def frozen(self) -> bool:
        return self.status != VisitStatus.IN_PROGRESS

    def live_evidence(self, category: EvidenceCategory | None = None) -> list[EvidenceItem]:
        return [e for e in self.evidence
                if not e.removed and (category is None or e.category == category)]

    def present_team(self) -> list[TeamMember]:
        return [m for m in self.team if m.present]
