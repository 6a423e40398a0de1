"""样品处置情况报告: what the lab did with each sample of a plan after the
objection period (检验任务结束后……将处理情况书面报省局): unpaid samples
returned or handed to the city bureau, paid ones destroyed, retained or
returned, with the date, who and the receipt."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from forms.common import BLANK_DATE, fmt_date
from forms.layout import Doc, L, V

TITLE = "产品质量监督抽查样品处置情况报告"


@dataclass
class DisposalLine:
    record_no: str
    product: str
    party: str
    seal_no: str
    kind: str                         # 检验样品 / 备用样品
    paid: bool
    conclusion: str                   # 合格 / 不合格 / ''
    action: str                       # 退还受检单位 / 移交市场监管部门 / 销毁 / 留存 / '' (pending)
    disposed_on: str = ""
    recipient: str = ""
    who: str = ""
    proof: str = ""                   # 签收单 / 照片 (how many)


@dataclass
class DisposalReport:
    plan_title: str
    lab: str
    lines: list[DisposalLine] = field(default_factory=list)
    issued_on: date | None = None
    authority: str = "山西省市场监督管理局"


def build(report: DisposalReport) -> bytes:
    doc = Doc(TITLE, report.plan_title, pagesize=landscape(A4), margin=12 * mm)
    doc.title(TITLE, size=17, gap=2 * mm)
    doc.line(left=f"{report.authority}：", size=11)
    done = sum(1 for ln in report.lines if ln.action)
    doc.para(f"    {report.plan_title}的检验工作已结束，现将样品处置情况报告如下：共接收样品 {len(report.lines)} 件，"
             f"已处置 {done} 件，待处置 {len(report.lines) - done} 件。", size=10.5)
    head = [L("序号", 2), L("抽样单编号", 5), L("产品名称", 4), L("受检单位", 7), L("封条编号", 5), L("样品类别", 3),
            L("付费", 2), L("检验结论", 3), L("处置方式", 4), L("处置日期", 4), L("接收方", 5), L("经办人", 3),
            L("凭证", 3)]
    rows = [head]
    for n, ln in enumerate(report.lines, start=1):
        rows.append([V(str(n), 2, align="center"), V(ln.record_no, 5), V(ln.product, 4), V(ln.party, 7),
                     V(ln.seal_no, 5), V(ln.kind, 3), V("是" if ln.paid else "否", 2, align="center"),
                     V(ln.conclusion, 3), V(ln.action or "待处置", 4), V(ln.disposed_on, 4), V(ln.recipient, 5),
                     V(ln.who, 3), V(ln.proof, 3)])
    doc.table(rows, units=50, size=8.5, min_row=7 * mm)
    doc.ensure(28 * mm)
    doc.space(8 * mm)
    doc.line(right=f"{report.lab}（公章）      ", size=11)
    doc.space(3 * mm)
    doc.line(right=fmt_date(report.issued_on) if report.issued_on else BLANK_DATE, size=11)
    return doc.finish()
