"""产品质量监督抽查样品拒收通知书: the lab's written refusal of an
irregular sample (样品接收: 对于抽样不规范的样品，检验人员应当拒绝接收并书面
说明理由，同时书面报省局). One copy to the sampling agency, one to the
province, one kept by the lab."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from forms.common import BLANK_DATE, fmt_date, fmt_time, or_blank
from forms.context import DocumentContext, Rejection
from forms.layout import Doc, H, L, V, checks

TITLE = REGISTRY[DocumentKind.REJECTION_LETTER].title


def _yes_no(value: bool, blank: bool) -> str:
    return checks(["是", "否"], None if blank else ("是" if value else "否"))


def build(ctx: DocumentContext) -> bytes:
    v = ctx.visit
    r = ctx.rejection if ctx.rejection and not ctx.blank else Rejection()
    blank = ctx.blank or ctx.rejection is None
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=18, gap=3 * mm)
    doc.line(right=f"抽样单编号：{or_blank(ctx.record_no)}", size=10.5)
    doc.space(1 * mm)
    rows = [[H("样品信息")],
            [L("产品名称", 4), V(ctx.product, 8), L("规格型号", 4), V(v.sample.spec_model, 8)],
            [L("受检单位", 4), V(v.party.name, 20)],
            [L("抽样单位", 4), V(ctx.agency.name, 20)],
            [L("封条编号", 4), V(r.seal_no, 8), L("样品类别", 4),
             V(f"{r.sample_kind} 第{r.package_no}件" if r.sample_kind else "", 8)],
            [L("收样时间", 4), V(fmt_time(r.received_at) if r.received_at else "", 20)],
            [H("样品检查情况")],
            [L("封条完好", 6), V(_yes_no(r.seal_intact, blank), 18)],
            [L("样品与抽样单相符", 6), V(_yes_no(r.matches_form, blank), 18)],
            [L("样品数量满足检验要求", 6), V(_yes_no(r.quantity_ok, blank), 18)],
            [L("封条验证结果", 6), V("\n".join(r.findings) or ("" if blank else "签名有效，与抽样记录相符"), 18)],
            [H("拒收理由")],
            [V(r.reason, 24, min_h=40 * mm)],
            [L("收样人", 4), V(r.receiver, 8), L("检验机构", 4), V(ctx.agency.name if not blank else "", 8)]]
    doc.table(rows, size=10.5, min_row=9 * mm)
    doc.space(4 * mm)
    doc.para("本通知书一式三份：抽样单位、省局各一份，检验机构留存一份。样品已按原封状态退回抽样单位，"
             "请按规定重新抽样或说明情况。", size=10)
    doc.ensure(30 * mm)
    doc.space(8 * mm)
    doc.line(left="抽样单位签收：", right="检验机构（公章）      ", size=11)
    doc.space(4 * mm)
    doc.line(right=fmt_date(r.received_at) if r.received_at else BLANK_DATE, size=11)
    return doc.finish()
