"""People and organisations of the glossary: agency, sampler, inspected party,
producer, task."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.domain.plan import Scope


@dataclass
class Agency:
    """承检机构."""
    id: str
    name: str
    address: str = ""
    contact: str = ""
    phone: str = ""


@dataclass
class Sampler:
    """抽样人员: one person with an ID / sampling certificate number."""
    id: str
    name: str
    certificate_no: str
    agency_id: str = ""
    phone: str = ""


@dataclass
class InspectedParty:
    """受检单位 (被抽样生产者、销售者). A visit keeps its own snapshot, so a
    correction on site never rewrites the task's master data."""
    id: str = ""
    name: str = ""
    credit_code: str = ""          # 统一社会信用代码
    licence_no: str = ""           # 营业执照 / 许可证编号
    production_licence_no: str = ""  # 生产许可证 (where required)
    ccc_certificate_no: str = ""
    address: str = ""
    postcode: str = ""
    legal_representative: str = ""
    contact: str = ""
    phone: str = ""
    scale: str = ""                # 企业规模
    economic_type: str = ""        # 经济类型 (left out of the record when empty)
    scope: Scope = Scope.SELLER    # 抽样领域
    # Where it is (decimal degrees as text, "" = unknown), when the province's
    # party data has it: photos taken far from it are flagged.
    latitude: str = ""
    longitude: str = ""


@dataclass
class Producer:
    """生产单位 (标称生产者) named on the label."""
    name: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""


class TaskStatus(str, enum.Enum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"   # server-owned: shown to the sampler, never deleted
    NO_SAMPLE = "no_sample"   # closed by 未抽到样品: the plan slot goes to another party


@dataclass
class Task:
    """抽样任务: an enterprise x product(s) x team assignment."""
    id: str
    plan_id: str
    plan_item_ids: list[str]
    party: InspectedParty
    team: list[Sampler]
    agency_id: str
    due_date: str = ""             # ISO date
    status: TaskStatus = TaskStatus.ASSIGNED
    cancel_reason: str = ""
    source: str = "2022年第四批产品质量监督抽查"   # i18n: recorded value (任务来源)
    kind: str = "监督抽查"                          # i18n: recorded value (任务类别: 监督抽查 / 复查)
    notes: str = ""
    notice_no: str = ""            # 通知书编号, given by the province with the task
    extra: dict = field(default_factory=dict)
