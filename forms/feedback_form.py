"""产品质量监督抽查工作质量及工作纪律反馈单 (feedback form): left with the
party, which rates the samplers and returns it to the provincial bureau."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from forms.common import fmt_date, party_sign_rows, sampler_names
from forms.context import DocumentContext
from forms.layout import Doc, L, V

TITLE = REGISTRY[DocumentKind.FEEDBACK_FORM].title
ITEMS = [
    "抽样人员不少于 2 人，出示了监督抽查通知书、身份证明和授权委托书复印件",
    "按照实施细则规定的方法抽样，并对抽样场所、产品标识、库存和抽样过程拍照或录像",
    "检验样品按标价（或同类产品市场价）付费购买，并如实填写了付费单",
    "未向受检单位收取检验费或其他任何费用",
    "检验样品和备用样品一次性抽取、分别封样，并经双方签字确认",
    "抽样文书填写完整、准确，更正处经受检单位确认",
    "遵守工作纪律，无吃拿卡要、收受礼品礼金、接受宴请等行为",
    "工作态度文明礼貌，未干扰企业正常生产经营",
]


def build(ctx: DocumentContext) -> bytes:
    v, auth = ctx.visit, ctx.authority
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=16, gap=3 * mm)
    doc.line(right=f"编号：{ctx.record_no}")
    doc.para(f"为加强对产品质量监督抽查工作的监督，请你单位对本次抽样人员的工作质量及工作纪律如实评价，"
             f"填写后寄回或送交{auth.name}。", size=10.5, first=21)
    rows = [[L("抽查任务", 4), V(ctx.task_source, 20)],
            [L("受检单位", 4), V(v.party.name, 20)],
            [L("抽样人员", 4), V(sampler_names(ctx), 20)],
            [L("承检机构", 4), V(ctx.agency.name, 10), L("抽样日期", 4),
             V("" if ctx.blank else fmt_date(v.started_at), 6)],
            [L("序号", 2), L("评价项目", 16), L("是", 3), L("否", 3)]]
    rows += [[V(str(i), 2, align="center"), V(t, 16), V("□", 3, align="center"), V("□", 3, align="center")]
             for i, t in enumerate(ITEMS, 1)]
    rows += [[L("意见和建议", 4), V("", 20, min_h=30 * mm)]]
    rows += party_sign_rows(ctx, h=22 * mm) if ctx.blank else _unsigned_party(ctx)
    doc.table(rows, min_row=7.5 * mm)
    doc.space(3 * mm)
    back = f"{auth.name}{auth.department}"
    if auth.address:
        back += f"，地址：{auth.address}"
    if auth.postcode:
        back += f"，邮编：{auth.postcode}"
    if auth.phone:
        back += f"，电话：{auth.phone}"
    doc.para(f"反馈单寄回（送交）：{back}。投诉举报电话：{auth.complaint_phone}。", size=9.5)
    return doc.finish()


def _unsigned_party(ctx: DocumentContext):
    """The party fills and signs this form later, on its own: never print
    its on-site signature here."""
    from dataclasses import replace
    empty = replace(ctx, visit=replace(ctx.visit, signatures=[], sign_refusal=None))
    return party_sign_rows(empty, h=22 * mm)
