"""产品质量改进建议书 (improvement advice): the layout of 附件2 of
晋市监函〔2022〕279号, issued by the lab for a failed product: 报告编号;
产品名称, 规格型号; 受检单位, 生产单位; 检验机构; 不合格项目; 本次抽检质量问题
描述; 原因分析; 改进建议; 备注; the lab's seal and the date (FORMS.md)."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from forms.common import BLANK_DATE, fmt_date, or_blank
from forms.context import DocumentContext, ImprovementAdvice
from forms.layout import Doc, L, V

TITLE = REGISTRY[DocumentKind.IMPROVEMENT_ADVICE].title


def build(ctx: DocumentContext) -> bytes:
    v = ctx.visit
    a = ctx.advice if ctx.advice and not ctx.blank else ImprovementAdvice()
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=20, gap=4 * mm)
    doc.line(left=f"报告编号：{or_blank(a.report_no)}", size=11)
    doc.space(1 * mm)
    rows = [[L("产品名称", 4), V(ctx.product, 8), L("规格型号", 4), V(v.sample.spec_model, 8)],
            [L("受检单位", 4), V(v.party.name, 8), L("生产单位", 4), V(v.producer.name, 8)],
            [L("检验机构", 4), V(ctx.agency.name, 20)],
            [L("不合格项目", 4), V(a.failed_items, 20, min_h=22 * mm)],
            [L("本次抽检\n质量问题描述", 4), V(a.problem, 20, min_h=38 * mm)],
            [L("原因分析", 4), V(a.cause, 20, min_h=38 * mm)],
            [L("改进建议", 4), V(a.advice, 20, min_h=45 * mm)],
            [L("备注", 4), V(a.remarks, 20, min_h=14 * mm)]]
    doc.table(rows, size=11, min_row=10 * mm)
    doc.ensure(30 * mm)
    doc.space(10 * mm)
    doc.line(right="检验机构公章      ", size=11)
    doc.space(4 * mm)
    doc.line(right=fmt_date(a.issued_on) if a.issued_on else BLANK_DATE, size=11)
    return doc.finish()
