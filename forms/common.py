"""Pieces several documents share: Chinese labels of domain values, dates,
numbers, signature boxes and the party block."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.units import mm

from app.domain import labels
from app.domain.times import china    # forms print China time
from app.domain.visit import Signature, SignerRole
from forms.context import DocumentContext
from forms.layout import PAD, Cell, Drawer, L, V, checks, draw_image, text_width

BLANK_DATE = "        年      月      日"
BLANK_NO = "______________________"   # a number written in by hand


def or_blank(value: str) -> str:
    """A number or name in a document's heading, or a line to write it on: a
    blank paper form (and a notice the province has not numbered) leaves one."""
    return value or BLANK_NO
# The domain's words (app.domain.labels); the forms print them in Chinese.
KIND_ZH = labels.SAMPLE_KIND
PRICE_BASIS_ZH = labels.PRICE_BASIS
SCOPE_ZH = labels.SCOPE_ON_FORM


def fmt_date(value: datetime | date | str | None) -> str:
    if not value:
        return BLANK_DATE
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = china(value)
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_time(value: datetime | None) -> str:
    if not value:
        return BLANK_DATE + "      时      分"
    v = china(value)
    return f"{fmt_date(v)} {v.hour:02d}时{v.minute:02d}分"


def num(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return f"{text} {unit}".strip()


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f} 元"


def sampler_names(ctx: DocumentContext) -> str:
    return "、".join(f"{m.name}（证件号 {m.certificate_no}）" for m in ctx.visit.present_team())


def signer_box(ctx: DocumentContext, caption: str, sig: Signature | None = None, name: str = "",
               with_date: bool = True) -> Drawer:
    """A box for one signer: caption at the top, the signature image (or
    empty space to sign on paper), printed name and date at the bottom."""
    png = ctx.signature_image(sig)

    def draw(c, x, y, w, h):
        font = c._fontname
        size = 8
        c.setFont(font, size)
        c.drawString(x + PAD, y + h - PAD - size, caption)
        if png:
            draw_image(c, png, x + PAD, y + 5 * mm, w - 2 * PAD, h - 5 * mm - size - 2 * PAD)
        shown = sig.name if sig else name
        if shown:
            c.drawString(x + PAD, y + PAD + 0.5, f"姓名：{shown}")
        if with_date:
            d = fmt_date(sig.signed_at) if sig and sig.signed_at else BLANK_DATE
            c.drawString(x + w - PAD - text_width(d, font, size), y + PAD + 0.5, d)
    return draw


def sampler_sign_row(ctx: DocumentContext, label: str = "抽样人员签字", units: int = 24,
                     label_span: int = 4, h: float = 24 * mm) -> list[Cell]:
    """One box per present sampler (two on blank forms)."""
    team = ctx.visit.present_team()
    sigs = {s.signer_ref: s for s in ctx.signatures(SignerRole.SAMPLER)}
    by_name = {s.name: s for s in ctx.signatures(SignerRole.SAMPLER)}
    people = [(m.name, sigs.get(m.sampler_id) or by_name.get(m.name)) for m in team] or [("", None)] * 2
    rest = units - label_span
    spans = [rest // len(people)] * len(people)
    spans[-1] += rest - sum(spans)
    row = [L(label, label_span, min_h=h)]
    for (name, sig), span in zip(people, spans):
        row.append(Cell(span=span, draw=signer_box(ctx, "签字：", sig, name), min_h=h))
    return row


def party_sign_rows(ctx: DocumentContext, label: str = "受检单位\n签字（盖章）", units: int = 24,
                    label_span: int = 4, h: float = 24 * mm) -> list[list[Cell]]:
    """The party's signature and stamp; or the written refusal to sign and the witness."""
    party = ctx.signatures(SignerRole.PARTY)
    refusal = ctx.visit.sign_refusal
    rest = units - label_span
    if refusal is None or party:
        sig = party[0] if party else None
        return [[L(label, label_span, min_h=h),
                 Cell(span=rest // 2, draw=signer_box(ctx, "签字：", sig), min_h=h),
                 Cell(span=rest - rest // 2, draw=signer_box(ctx, "受检单位盖章：", None, with_date=False), min_h=h)]]
    witness = next(iter(ctx.signatures(SignerRole.WITNESS)), None)
    return [[L("受检单位拒签情况说明", label_span), V(refusal.reason, rest)],
            [L("见证人", label_span, min_h=h),
             V(f"姓名：{refusal.witness_name}\n身份证号：{refusal.witness_id_no}", rest // 2, min_h=h),
             Cell(span=rest - rest // 2, draw=signer_box(ctx, "见证人签字：", witness), min_h=h)]]


def scope_checks(ctx: DocumentContext) -> str:
    selected = None if ctx.blank else SCOPE_ZH[ctx.visit.party.scope]
    return checks(list(SCOPE_ZH.values()), selected)


def party_rows(ctx: DocumentContext, full: bool = True) -> list[list[Cell]]:
    """受检单位 block (24 units): name, address, credit code, contacts."""
    p = ctx.visit.party
    rows = [[L("受检单位名称", 4), V(p.name, 20)],
            [L("地址", 4), V(p.address, 14), L("邮编", 2), V(p.postcode, 4)]]
    if full:
        rows += [[L("法定代表人", 4), V(p.legal_representative, 4), L("联系人", 3), V(p.contact, 4),
                  L("电话", 3), V(p.phone, 6)],
                 [L("统一社会\n信用代码", 4), V(p.credit_code, 8), L("营业执照/许可证编号", 5), V(p.licence_no, 7)]]
    return rows
