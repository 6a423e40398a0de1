"""未抽到样品企业情况说明 (no-sample statement): the party had nothing to
sample (closed, deregistered, stopped or changed production, export only,
no stock). The reason, what was found and its evidence, signed by the
samplers and the party (or its refusal written down); the task closes and
the plan slot goes to another party."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.visit import EvidenceCategory, NoSampleReason
from forms.common import fmt_time, or_blank, party_sign_rows, sampler_sign_row, signer_box
from forms.context import DocumentContext
from forms.layout import Cell, Doc, L, V, checks

TITLE = "未抽到样品企业情况说明"
REASONS = {NoSampleReason.CLOSED: "倒闭", NoSampleReason.DEREGISTERED: "注销", NoSampleReason.STOPPED: "停产",
           NoSampleReason.CHANGED: "转产", NoSampleReason.EXPORT_ONLY: "全部用于出口",
           NoSampleReason.NO_STOCK: "无该产品库存", NoSampleReason.OTHER: "其他"}
# The product no longer exists there: the local bureau confirms and stamps.
NEEDS_BUREAU = {NoSampleReason.CLOSED, NoSampleReason.DEREGISTERED, NoSampleReason.STOPPED,
                NoSampleReason.CHANGED}
COPIES = ("本说明一式三份：第一份报送下达任务部门（省局），第二份交受检单位所在地市场监管部门（后处理部门），"
          "第三份由承检机构（抽样单位）存档。")
NOTE = ("填表说明：企业倒闭、注销、停产、转产的，须经当地市场监管部门确认并盖章；仅因无库存、全部用于出口等"
        "不具备抽样条件的，当地市场监管部门意见可不填。")


def form_no(ctx: DocumentContext) -> str:
    """The statement's own number, derived from the visit's record number."""
    return f"{ctx.record_no}-WC" if ctx.record_no else ""


def evidence_text(ctx: DocumentContext) -> str:
    items = ctx.visit.live_evidence(EvidenceCategory.NO_SAMPLE)
    if not items:
        return ""
    videos = sum(1 for e in items if e.media.startswith("video/"))
    kinds = "、".join(p for p in (f"照片 {len(items) - videos} 张" if len(items) > videos else "",
                                   f"录像 {videos} 段" if videos else "") if p)
    return f"随附证据 {len(items)} 个（{kinds}），文件 SHA-256 见抽样记录"


def build(ctx: DocumentContext) -> bytes:
    v, n, p = ctx.visit, ctx.visit.no_sample, ctx.visit.party
    filled = n is not None and not ctx.blank
    doc = Doc(TITLE, form_no(ctx))
    doc.title(TITLE, size=18, gap=3 * mm)
    doc.line(left=f"抽查任务：{or_blank(ctx.task_source)}", right=f"编号：{or_blank(form_no(ctx))}")
    doc.line(left=f"记录编号：{or_blank(ctx.record_no)}")
    doc.space(1 * mm)
    kind = None if ctx.blank else ctx.task_kind
    reason = checks(list(REASONS.values()), REASONS[n.reason] if filled else None)
    bureau = n.local_bureau if filled else ""
    needs = filled and n.reason in NEEDS_BUREAU
    opinion = (f"部门：{bureau}\n" if bureau else "") + ("意见：" if not filled or needs or bureau else "/")
    rows = [[L("任务来源", 4), V(ctx.task_source, 10), L("任务类别", 4), V(checks(["监督抽查", "复查"], kind), 6)],
            [L("抽查产品", 4), V(n.products if filled else ctx.product, 8),
             L("抽样时间", 4), V(fmt_time(n.occurred_at if filled else None), 8)],
            [L("企业名称", 4), V(p.name, 20)],
            [L("企业地址", 4), V(p.address, 20)],
            [L("统一社会\n信用代码", 4), V(p.credit_code, 8), L("联系人/电话", 4),
             V(" ".join(x for x in (p.contact, p.phone) if x), 8)],
            [L("未抽样原因", 4), V(reason, 20)],
            [L("过程简要描述", 4), V(n.description if filled else "", 20, min_h=34 * mm)],
            [L("证据", 4), V(evidence_text(ctx) if filled else "", 20, min_h=10 * mm)],
            [L("当地市场\n监管部门意见", 4, min_h=24 * mm), V(opinion, 10, min_h=24 * mm),
             Cell(span=10, draw=signer_box(ctx, "（公章）"), min_h=24 * mm)],
            sampler_sign_row(ctx, label="抽样人员签字", h=20 * mm),
            *party_sign_rows(ctx, label="受检单位\n签字（盖章）", h=20 * mm)]
    doc.table(rows, min_row=8 * mm)
    doc.space(2 * mm)
    doc.para(COPIES, size=9, gap=0.8 * mm)
    doc.para(NOTE, size=9)
    return doc.finish()
