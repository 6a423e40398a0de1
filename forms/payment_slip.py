"""产品质量监督抽查样品付费单 (payment slip): the test sample is bought at
the marked price (else the market price of like products); the backup is
given free. Two copies on one A4 page, cut along the dashed line."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import PriceBasis
from forms.amount import capital_amount, figure_amount
from forms.common import BLANK_DATE, fmt_date, num, or_blank, party_sign_rows, sampler_sign_row
from forms.context import DocumentContext
from forms.layout import Doc, L, V, checks

TITLE = REGISTRY[DocumentKind.PAYMENT_SLIP].title
COPIES = ("第一联  承检机构留存", "第二联  受检单位留存")


def unit_price_text(price, unit: str) -> str:
    """单价 with its unit (元/L, 元/件): what one unit of the sample costs."""
    return "" if price is None else f"{price:.2f} 元/{unit}" if unit else f"{price:.2f} 元"


def _basis_rows(ctx: DocumentContext):
    """价格依据: one of two, never both: the party's marked price, or (only
    without one) the market price of like products, whose source is written."""
    s = ctx.visit.sample
    selected = None if ctx.blank or s.price_basis is None else s.price_basis
    marked = ("■" if selected == PriceBasis.MARKED else "□") + "按受检单位标价"
    market = ("■" if selected == PriceBasis.MARKET else "□") + "无标价，按同类产品市场价"
    note = "" if ctx.blank else (s.price_basis_note or "/")
    return [[L("价格依据", 4), V(f"{marked}    {market}\n价格说明：{note}", 20)]]


def _invoice_row(ctx: DocumentContext):
    pay = ctx.visit.payment
    if ctx.blank:
        return [L("发票号", 4), V("", 6), L("开票单位", 3), V("", 11)]
    if not pay.invoice_no:
        return [L("发票号", 4), V("未开具发票", 6, align="center"), L("开票单位", 3), V("/", 11, align="center")]
    return [L("发票号", 4), V(pay.invoice_no, 6), L("开票单位", 3), V(pay.invoice_issuer, 11)]


def _rows(ctx: DocumentContext):
    v, s, pay = ctx.visit, ctx.visit.sample, ctx.visit.payment
    qty = pay.quantity if pay.quantity is not None else s.test_quantity
    price = pay.unit_price if pay.unit_price is not None else s.unit_price
    amount = pay.amount
    if amount is None and qty is not None and price is not None:
        amount = qty * price
    paid_on = BLANK_DATE if ctx.blank else fmt_date(v.finished_at or v.started_at)
    free = checks(["备用样品由受检单位先行无偿提供（不付费）"], None if ctx.blank or not pay.backup_free
                  else "备用样品由受检单位先行无偿提供（不付费）")
    made = " / ".join(x for x in (fmt_date(s.production_date) if s.production_date else "", s.batch_no) if x)
    return [[L("受检单位", 4), V(v.party.name, 20)],
            [L("产品名称", 4), V(ctx.product, 8), L("规格型号", 4), V(s.spec_model, 8)],
            [L("生产日期/批号", 4), V(made, 20)],
            [L("数量", 4), V(num(qty, s.unit), 8), L("单价", 4), V(unit_price_text(price, s.unit), 8)],
            [L("金额（小写）", 4), V("" if amount is None else figure_amount(amount), 6),
             L("金额（大写）", 4), V("" if amount is None else "人民币" + capital_amount(amount), 10)],
            *_basis_rows(ctx),
            [L("付款方式", 4), V(pay.method if not ctx.blank else "", 8), L("付款日期", 4), V(paid_on, 8)],
            _invoice_row(ctx),
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
        doc.line(left=copy, right=f"编号：{or_blank(ctx.record_no)}", size=10)
        doc.space(1 * mm)
        doc.table(_rows(ctx) + [sampler_sign_row(ctx, h=16 * mm)]
                  + party_sign_rows(ctx, label="受检单位\n（收款）\n签字盖章", h=16 * mm), min_row=6.5 * mm, size=9.5)
    return doc.finish()
