"""样品流转记录 (chain of custody) of one sample: every hand-over with who,
when and where. What identifies the sample is given by the caller: the
sample manager's copy names the record and the party, a tester's copy only
the blind code."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib.units import mm

from forms.common import fmt_time
from forms.layout import Doc, H, L, V

TITLE = "样品流转记录"


@dataclass
class CustodyLine:
    event: str                       # 接收 / 入库保存 / 交检验员 / 检毕返还 / 留样 / 处置
    at: datetime | None
    who: str
    where: str = ""
    note: str = ""


@dataclass
class CustodySheet:
    identity: list[tuple[str, str]]             # (label, value) rows at the top
    lines: list[CustodyLine] = field(default_factory=list)
    lab: str = ""
    reference: str = ""                         # printed in the footer: the blind code or the record number


def build(sheet: CustodySheet) -> bytes:
    doc = Doc(TITLE, sheet.reference)
    doc.title(TITLE, size=18, gap=3 * mm)
    if sheet.lab:
        doc.line(left=f"检验机构：{sheet.lab}", size=10.5)
    rows = [[L(k, 5), V(v, 19)] for k, v in sheet.identity]
    rows.append([H("流转记录（交接环节、时间、经手人、地点）")])
    rows.append([L("序号", 2), L("环节", 4), L("时间", 6), L("经手人", 4), L("地点", 4), L("备注", 4)])
    for n, e in enumerate(sheet.lines, start=1):
        rows.append([V(str(n), 2, align="center"), V(e.event, 4), V(fmt_time(e.at) if e.at else "", 6),
                     V(e.who, 4), V(e.where, 4), V(e.note, 4)])
    if not sheet.lines:
        rows.append([V("", 24)])
    doc.table(rows, size=9.5, min_row=8 * mm)
    doc.ensure(20 * mm)
    doc.space(8 * mm)
    doc.line(left="样品管理员：", right="检验员：                ", size=10.5)
    return doc.finish()
