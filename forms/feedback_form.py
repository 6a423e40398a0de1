"""产品质量监督抽查工作质量及工作纪律反馈单 (feedback form): left with the
party, which rates the samplers and returns it to the provincial bureau."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from forms.common import fmt_date, or_blank, sampler_names, signer_box
from forms.context import DocumentContext
from forms.layout import Cell, Doc, L, V, checks

TITLE = REGISTRY[DocumentKind.FEEDBACK_FORM].title
ITEMS = [
    "抽样人员不少于 2 人，出示了监督抽查通知书、身份证明和授权委托书复印件",
    "按照实施细则规定的方法抽样，并对抽样场所、产品标识、库存和抽样过程拍照或录像",
    "检验样品按标价（或同类产品市场价）付费购买，并如实填写了付费单",
    "未向受检单位收取检验费或其他任何费用",
    "检验样品和备用样品一次性抽取、分别封样，并经双方签字确认",
    "抽样文书填写完整、准确，更正处经受检单位确认",
    "工作态度文明礼貌，服务规范",
]
# 廉洁情况: asked one by one, answered 有 / 无 (a "yes" here is a complaint)
INTEGRITY = [
    "刁难企业、干扰企业正常生产经营",
    "要求签订委托检验协议，或收取检验费等任何费用",
    "要求企业支付或报销旅游、住宿、餐饮、交通等费用",
    "索要或收受礼品、礼金、有价证券、现金",
    "索要产品，或以低于标价的价格购买样品",
]
RATINGS = ["非常满意", "满意", "不满意"]


def build(ctx: DocumentContext) -> bytes:
    v, auth = ctx.visit, ctx.authority
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=16, gap=3 * mm)
    doc.line(right=f"编号：{or_blank(ctx.record_no)}")
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
    rows += [[L("序号", 2), L("抽样人员是否有下列行为（廉洁情况）", 16), L("有", 3), L("无", 3)]]
    rows += [[V(str(i), 2, align="center"), V(t, 16), V("□", 3, align="center"), V("□", 3, align="center")]
             for i, t in enumerate(INTEGRITY, len(ITEMS) + 1)]
    rows += [[L("总体评价", 4), V(checks(RATINGS, None), 20)],
             [L("意见和建议", 4), V("", 20, min_h=24 * mm)]]
    rows += _party_rows(ctx)
    doc.table(rows, min_row=7 * mm)
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


def _party_rows(ctx: DocumentContext):
    """The party fills and signs this form later, on its own: its on-site
    signature is never printed here; its representative signs and stamps."""
    h = 20 * mm
    return [[L("受检单位\n负责人签字", 4, min_h=h),
             Cell(span=10, draw=signer_box(ctx, "受检单位负责人签字："), min_h=h),
             Cell(span=10, draw=signer_box(ctx, "受检单位盖章：", with_date=False), min_h=h)]]
