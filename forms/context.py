"""What a document builder is given: the domain objects of one visit plus
the few things that are not part of the visit (the issuing authority, the
signature images and the signed seal payloads).

Services assemble a DocumentContext from the store; every forms module's
build(ctx) -> bytes reads only this. A blank context (DocumentContext.blank)
prints empty boxes for the paper fallback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.entities import Agency, Task
from app.domain.plan import Plan, PlanItem, SamplingRule
from app.domain.visit import Seal, Signature, SignerRole, Visit

# 抽查依据 as 晋市监函〔2022〕279号 lists them (used when the plan's notice data
# is not at hand, e.g. forms built without the services).
NOTICE_BASIS = ("《中华人民共和国产品质量法》", "《产品质量监督抽查管理暂行办法》",
                "《山西省市场监督管理局产品质量监督抽查工作规范（试行）》")


@dataclass
class Authority:
    """The organising bureau (省局) named on the notice and the feedback form."""
    name: str = "山西省市场监督管理局"
    department: str = "质量监督处"
    address: str = ""
    postcode: str = ""
    phone: str = ""                  # for complaints and returning the feedback form
    complaint_phone: str = "12315"


@dataclass
class ImprovementAdvice:
    """产品质量改进建议书 (附件2): written by the lab after a failed test, so
    it is not part of the visit record."""
    report_no: str = ""
    failed_items: str = ""           # 不合格项目
    problem: str = ""                # 本次抽检质量问题描述
    cause: str = ""                  # 原因分析
    advice: str = ""                 # 改进建议
    remarks: str = ""
    issued_on: datetime | None = None


@dataclass(frozen=True)
class PlanNotice:
    """The plan's notice as the inspection notice cites it: its real title,
    number and 抽查依据 (data in resources/plan_*.json)."""
    title: str = ""                  # 山西省市场监督管理局关于做好…的通知
    document_no: str = ""            # 晋市监函〔2022〕279号
    basis: tuple[str, ...] = ()      # 抽查依据, in the notice's order


@dataclass
class Rejection:
    """样品拒收: the lab's written reason for refusing a sample (a copy goes
    to the province). Not part of the visit record."""
    seal_no: str = ""
    sample_kind: str = ""            # 检验样品 / 备用样品
    package_no: int = 1
    received_at: datetime | None = None
    seal_intact: bool = False
    matches_form: bool = False
    quantity_ok: bool = False
    reason: str = ""
    receiver: str = ""               # who checked it at the lab
    findings: list[str] = field(default_factory=list)   # what the seal check found (Chinese)


@dataclass
class DocumentContext:
    visit: Visit
    agency: Agency
    authority: Authority = field(default_factory=Authority)
    plan: Plan | None = None
    plan_item: PlanItem | None = None
    task: Task | None = None
    plan_notice: PlanNotice | None = None
    notice_valid_until: date | None = None   # 通知书有效期 (the task's due date)
    rule: SamplingRule | None = None         # the product's rule: product fields in its order
    signature_images: dict[str, bytes] = field(default_factory=dict)   # sha256 -> PNG
    seal_payloads: dict[str, str] = field(default_factory=dict)        # seal_no -> QR text
    record_qr: bool = True           # QR of record id + hash on the sampling form
    advice: ImprovementAdvice | None = None
    rejection: Rejection | None = None
    blank: bool = False              # paper fallback: labels and empty boxes only

    @classmethod
    def blank_form(cls, agency: Agency | None = None, authority: Authority | None = None) -> "DocumentContext":
        return cls(visit=Visit(id="", record_no=""), agency=agency or Agency(id="", name=""),
                   authority=authority or Authority(), blank=True)

    # --- convenience used by several documents ---
    @property
    def record_no(self) -> str:
        return self.visit.record_no

    @property
    def notice_number(self) -> str:
        """通知书编号: the province's number for the task's notice ("" if the
        task came from a server that does not number notices: the notice
        then leaves the field to be filled in by hand, never another number)."""
        return self.task.notice_no if self.task is not None else ""

    @property
    def task_source(self) -> str:
        if self.task is not None:
            return self.task.source
        return self.plan.title if self.plan else ""

    @property
    def task_kind(self) -> str:
        return self.task.kind if self.task is not None else ("" if self.blank else "监督抽查")

    @property
    def basis_documents(self) -> list[str]:
        """抽查依据 as the plan's notice lists them (the 实施细则 included);
        without it, the laws and rules the notice cites and the product's 细则."""
        if self.plan_notice is not None and self.plan_notice.basis:
            return list(self.plan_notice.basis)
        return [*NOTICE_BASIS, f"《{self.product or '相关产品'}产品质量监督抽查实施细则》"]

    @property
    def product(self) -> str:
        return self.visit.sample.product or (self.plan_item.product if self.plan_item else "")

    def signatures(self, role: SignerRole) -> list[Signature]:
        return [s for s in self.visit.signatures if s.role == role]

    def signature_image(self, sig: Signature | None) -> bytes | None:
        return self.signature_images.get(sig.image_sha256) if sig else None

    def seals(self) -> list[Seal]:
        return sorted(self.visit.seals, key=lambda s: (s.kind.value != "test", s.package_no, s.seal_no))
