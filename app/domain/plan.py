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
    notice_no_format: str = ""   # the province's notice numbers: 晋市监抽〔2022〕4-{seq}号

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


class FieldType(str, enum.Enum):
    """How a product-specific field is entered and checked."""
    TEXT = "text"
    CHOICE = "choice"          # one of `choices`, nothing else
    NUMBER = "number"          # decimal, with `unit`; `signed` allows a minus sign
    DATE = "date"              # YYYY-MM-DD
    YES_NO = "yes_no"          # stored as 是 / 否


@dataclass(frozen=True)
class ProductField:
    """One product-specific field of the sampling form (e.g. 牌号 of a fuel,
    含绒量 of a down garment): data in the sampling rules, not code, so the
    wizard renders it, the domain checks it and the form prints it."""
    key: str                           # stable id, e.g. "fuel_grade"
    label: str                         # Chinese label, printed on the form
    label_en: str = ""
    type: FieldType = FieldType.TEXT
    choices: tuple[str, ...] = ()      # CHOICE: the only values allowed
    unit: str = ""                     # NUMBER: printed after the value
    signed: bool = False               # NUMBER: negative values allowed (lens powers)
    required: bool = True
    hint: str = ""                     # placeholder text (Chinese)
    hint_en: str = ""

    def label_for(self, lang: str) -> str:
        return self.label_en if lang.startswith("en") and self.label_en else self.label


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
    fields: tuple[ProductField, ...] = ()   # product-specific fields, in form order

    def product_field(self, key: str) -> ProductField | None:
        return next((f for f in self.fields if f.key == key), None)
