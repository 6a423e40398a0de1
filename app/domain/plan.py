"""The spot-check plan (监督抽查计划) and per-product sampling rules."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Scope(str, enum.Enum):
    """抽查范围: where a product may be sampled."""
    PRODUCER = "producer"        # 生产者
    SELLER = "seller"            # 销售者
    GAS_STATION = "gas_station"  # 加油站


@dataclass(frozen=True)
class PlanItem:
    id: str                      # stable id, e.g. "2022-4-11"
    seq: int                     # 序号 in 附件1
    category: str                # 产品分类
    product: str                 # 产品名称
    batches: int                 # 抽查批次 (quota)
    scopes: tuple[Scope, ...]    # 抽查范围

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class Plan:
    id: str                      # e.g. "2022-4"
    title: str
    document_no: str             # 晋市监函〔2022〕279号
    items: tuple[PlanItem, ...]

    @property
    def total_batches(self) -> int:
        return sum(i.batches for i in self.items)

    def item(self, item_id: str) -> PlanItem:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def item_for_product(self, product: str) -> PlanItem | None:
        return next((i for i in self.items if i.product == product), None)


@dataclass(frozen=True)
class SamplingRule:
    """How much of a product is taken and what must be photographed.

    Loaded from resources/sampling_rules.json; quantities are data with their
    source, not code.
    """
    product: str
    unit: str                          # e.g. "L", "件"
    test_quantity: str                 # decimal text, e.g. "4"
    backup_quantity: str
    container: str = ""                # e.g. 1 L 洁净玻璃瓶 / 铝瓶
    packages_test: int = 1             # packages (and so seal labels) for the test sample
    packages_backup: int = 1
    required_photos: tuple[str, ...] = ()   # EvidenceCategory values
    notes: str = ""
    sources: dict = field(default_factory=dict)
