"""产品质量监督抽查样品问题报送单 (problem report): sampling stopped because
the party is plainly illegal without testing (e.g. unlicensed)."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain import labels
from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import EvidenceCategory
from forms.common import fmt_date, or_blank, sampler_sign_row
from forms.context import DocumentContext
from forms.layout import Doc, L, V, checks

TITLE = REGISTRY[DocumentKind.PROBLEM_REPORT].title
TYPES = labels.PROBLEM_TYPE


def build(ctx: DocumentContext) -> bytes:
    v, pr = ctx.visit, ctx.visit.problem
    filled = pr is not None and not ctx.blank
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=18, gap=3 * mm)
    doc.line(left=f"抽查任务：{or_blank(ctx.task_source)}", right=f"编号：{or_blank(ctx.record_no)}")
    doc.space(1 * mm)
    evidence = pr.evidence_note if filled else ""
    items = v.live_evidence(EvidenceCategory.PROBLEM)
    if filled and items:
        evidence += f"\n随附问题证据 {len(items)} 个（文件 SHA-256 见抽样记录）"
    rows = [[L("受检单位", 4), V(v.party.name, 20)],
            [L("地址", 4), V(v.party.address, 20)],
            [L("统一社会\n信用代码", 4), V(v.party.credit_code, 8), L("联系人/电话", 4),
             V(" ".join(x for x in (v.party.contact, v.party.phone) if x), 8)],
            [L("涉及产品", 4), V(ctx.product, 20)],
            [L("问题类型", 4), V(checks(list(TYPES.values()), TYPES[pr.problem_type] if filled else None), 20)],
            [L("问题描述", 4), V(pr.description if filled else "", 20, min_h=40 * mm)],
            [L("证据", 4), V(evidence, 20, min_h=20 * mm)],
            [L("处理情况", 4), V(checks(["已终止抽样"], "已终止抽样" if filled else None)
                                 + (f"  {pr.handling}" if filled and pr.handling != "已终止抽样" else ""), 20)],
            [L("报送单位", 4), V(ctx.agency.name, 8), L("报送人", 4), V(pr.reporter if filled else "", 8)],
            [L("报送日期", 4), V(fmt_date(pr.reported_at if filled else None), 20)],
            [L("接收单位", 4), V(pr.receivers if filled else "省局；受检单位所在地市、县级市场监管部门", 20)],
            sampler_sign_row(ctx, h=20 * mm)]
    doc.table(rows, min_row=8 * mm)
    doc.space(2 * mm)
    doc.para("注：抽样人员发现被抽样生产者、销售者涉嫌存在无证无照等无需检验即可判定违法的情形的，应当终止抽样，"
             "如实填写本单，立即报告省局，并同时报告其所在地市、县级市场监管部门。", size=9)
    return doc.finish()
