"""产品质量监督抽查样品付费单 (payment slip): the test sample is bought at
the marked price (else the market price of like products); the backup is
given free. Two copies on one A4 page, cut along the dashed line."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import PriceBasis
from forms.amount import capital_amount, figure_amount
from forms.common import BLANK_DATE, PRICE_BASIS_ZH, fmt_date, num, party_sign_rows, sampler_sign_row
from forms.context import DocumentContext
from forms.layout import Doc, L, V, checks

TITLE = REGISTRY[DocumentKind.PAYMENT_SLIP].title
COPIES = ("第一联  承检机构留存", "第二联  受检单位留存")


def _rows(ctx: DocumentContext):
    v, s, pay = ctx.visit, ctx.visit.sample, ctx.visit.payment
    qty = pay.quantity if pay.quantity is not None else s.test_quantity
    price = pay.unit_price if pay.unit_price is not None else s.unit_price
    amount = pay.amount
    if amount is None and qty is not None and price is not None:
        amount = qty * price
    basis = None if ctx.blank or s.price_basis is None else PRICE_BASIS_ZH[s.price_basis]
    basis_text = checks([PRICE_BASIS_ZH[PriceBasis.MARKED], PRICE_BASIS_ZH[PriceBasis.MARKET]], basis)
    if s.price_basis_note:
        basis_text += f"（{s.price_basis_note}）"
    paid_on = BLANK_DATE if ctx.blank else fmt_date(v.finished_at or v.started_at)
    free = checks(["备用样品由受检单位先行无偿提供（不付费）"], None if ctx.blank or not pay.backup_free
                  else "备用样品由受检单位先行无偿提供（不付费）")
    return [[L("受检单位", 4), V(v.party.name, 20)],
            [L("产品名称", 4), V(ctx.product, 8), L("规格型号", 4), V(s.spec_model, 8)],
            [L("生产日期/批号", 4), V(" / ".join(x for x in (s.production_date, s.batch_no) if x), 20)],
            [L("数量", 4), V(num(qty), 4), L("单位", 4), V(s.unit, 4), L("单价（元）", 4),
             V("" if price is None else f"{price:.2f}", 4)],
            [L("金额（小写）", 4), V("" if amount is None else figure_amount(amount), 6),
             L("金额（大写）", 4), V("" if amount is None else "人民币" + capital_amount(amount), 10)],
            [L("价格依据", 4), V(basis_text, 20)],
            [L("付款方式", 4), V(pay.method if not ctx.blank else "", 8), L("付款日期", 4), V(paid_on, 8)],
            [L("备用样品", 4), V(free, 20)]]


def build(ctx: DocumentContext) -> bytes:
    doc = Doc(TITLE, ctx.record_no, margin=12 * mm)
    for i, copy in enumerate(COPIES):
        if i:
            y = doc.y - 5 * mm
            doc.c.setDash(3, 3)
            doc.c.line(doc.x0 - 5 * mm, y, doc.x1 + 5 * mm, y)
            doc.c.setDash()
            doc.text(doc.w / 2, y + 1.2 * mm, "（沿虚线剪开）", size=7, align="center")
            doc.space(10 * mm)
        doc.title(TITLE, size=16, gap=2 * mm)
        doc.line(left=copy, right=f"编号：{ctx.record_no}", size=10)
        doc.space(1 * mm)
        doc.table(_rows(ctx) + [sampler_sign_row(ctx, h=17 * mm)]
                  + party_sign_rows(ctx, label="受检单位\n（收款）\n签字盖章", h=17 * mm), min_row=7 * mm)
    return doc.finish()
