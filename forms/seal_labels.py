"""封条 (seal labels): one per sealed package, with the signed seal payload
as a QR, on label stock (100x70 mm, 70x50 mm) or an A4 sheet of labels.

The QR square is 25 mm on every size, with modules snapped to whole dots
of a 203 dpi thermal printer; signature boxes stay empty: the samplers and
the party sign the label by hand across the package opening.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import Seal
from forms import qr
from forms.common import BLANK_DATE, KIND_ZH, fmt_date
from forms.context import DocumentContext
from forms.layout import PAD, Cell, Doc, L, V

TITLE = REGISTRY[DocumentKind.SEAL_LABELS].title
QR_SIZE = 25 * mm
BORDER_INSET = 2 * mm              # the printed border keeps 2 mm off the cut edge
MARGIN = BORDER_INSET + 1 * mm     # content inside the border
MIN_SIGN_W, MIN_SIGN_H = 30 * mm, 10 * mm   # room to sign by hand


@dataclass(frozen=True)
class LabelSize:
    name: str
    width: float                   # points
    height: float
    font: float                    # body font size
    title: float


@dataclass(frozen=True)
class SheetLayout:
    """Labels tiled on a sheet of paper (plain A4 or A4 label sheets)."""
    label: LabelSize
    cols: int
    rows: int
    page: tuple[float, float] = A4
    gap: float = 0.0               # between labels; 0 = shared cut lines

    @property
    def per_page(self) -> int:
        return self.cols * self.rows


LABEL_100x70 = LabelSize("100x70", 100 * mm, 70 * mm, font=8, title=15)
LABEL_70x50 = LabelSize("70x50", 70 * mm, 50 * mm, font=5.8, title=10)
A4_SHEET = SheetLayout(LABEL_100x70, cols=2, rows=4)
SIZES = {"100x70": LABEL_100x70, "70x50": LABEL_70x50, "a4": A4_SHEET}


def _fields(ctx: DocumentContext, seal: Seal | None) -> list[tuple[str, str]]:
    return [("封条编号", seal.seal_no if seal else ""),
            ("抽样单编号", ctx.record_no),
            ("产品名称", ctx.product),
            ("受检单位", ctx.visit.party.name),
            ("封样日期", fmt_date(seal.sealed_at) if seal and seal.sealed_at else BLANK_DATE),
            ("承检机构", ctx.agency.name)]


def signature_boxes(size: LabelSize) -> tuple[list[str], float, float]:
    """The signature boxes across the bottom of a label: their captions,
    width and height. Three (two samplers, the party) where each can be at
    least 30x10 mm; on smaller labels two: the samplers share one box."""
    width = size.width - 2 * MARGIN
    captions = ["抽样人员签字", "抽样人员签字", "受检单位签字"]
    if width / 3 < MIN_SIGN_W:
        captions = ["抽样人员签字（二人）", "受检单位签字"]
    height = 12 * mm if size.height >= 60 * mm else MIN_SIGN_H
    return captions, width / len(captions), height


def draw_label(doc: Doc, ctx: DocumentContext, seal: Seal | None, x: float, y: float,
               size: LabelSize) -> int:
    """Draw one label with its lower left corner at (x, y). Returns the QR
    version (0 when no payload)."""
    c = doc.c
    big = size.width >= 90 * mm
    m = MARGIN
    c.saveState()
    c.setLineWidth(1.2)
    inset = BORDER_INSET + 0.6          # the stroke's outer edge, not its middle, is 2 mm in
    c.rect(x + inset, y + inset, size.width - 2 * inset, size.height - 2 * inset)
    c.restoreState()
    x0, x1, top = x + m, x + size.width - m, y + size.height - m
    head = size.title * 1.25
    doc.text(x0 + 0.5 * mm, top - head + size.title * 0.25, "产品质量监督抽查", size.font)
    doc.text((x0 + x1) / 2, top - head + size.title * 0.2, "封    条" if big else TITLE,
             size.title, align="center", bold=True)
    kind = KIND_ZH[seal.kind] if seal else "□检验样品 □备用样品"
    doc.text(x1 - 0.5 * mm, top - head + size.title * 0.25, kind, size.font * (1.3 if seal else 1),
             align="right", bold=bool(seal))
    top -= head + 0.8 * mm
    captions, _sign_w, sign_h = signature_boxes(size)
    bottom = y + m + sign_h + 1 * mm
    # QR at the right, the 25 mm square top-aligned; fields fill the rest
    qr_box = min(QR_SIZE, top - bottom)
    version = 0
    payload = ctx.seal_payloads.get(seal.seal_no) if seal else None
    if payload:
        version = qr.draw(c, payload, x1 - qr_box, top - qr_box, qr_box)
    else:
        c.saveState()
        c.setDash(2, 2)
        c.setLineWidth(0.3)
        c.rect(x1 - qr_box, top - qr_box, qr_box, qr_box)
        c.restoreState()
        # two short lines, sized to stay inside the dashed box
        fs = min(size.font, (qr_box - 2 * mm) / 6)
        for i, line in enumerate(("纸质封条", "（无二维码）")):
            doc.text(x1 - qr_box / 2, top - qr_box / 2 + (0.2 - i * 1.3) * fs, line, fs, align="center")
    fields_x1 = x1 - qr_box - 1.2 * mm
    saved = doc.margin, doc.footer, doc.pad
    doc.margin, doc.footer, doc.pad = 0, False, (1.2 if big else 0.7) * mm
    fs = size.font
    while True:   # shrink the font until a long party name fits the label
        rows = [[L(k, 3, size=fs), V(val, 7, size=fs)] for k, val in _fields(ctx, seal)]
        min_row = fs * 2.2
        if doc.table_height(rows, 10, fs, min_row, x0, fields_x1) <= top - bottom or fs < 4:
            break
        fs -= 0.3
    doc.y = top
    doc.table(rows, units=10, size=fs, min_row=min_row, x0=x0, x1=fields_x1)
    doc.y = y + m + sign_h
    sign = [Cell(span=1, draw=_sign_box(cap, size.font), min_h=sign_h) for cap in captions]
    doc.table([sign], units=len(sign), size=size.font, min_row=sign_h, x0=x0, x1=x1)
    doc.margin, doc.footer, doc.pad = saved
    return version


def _sign_box(caption: str, font_size: float):
    def draw(c, x, y, w, h):
        c.setFont(c._fontname, font_size * 0.9)
        c.drawString(x + PAD * 0.6, y + h - font_size - PAD * 0.4, caption + "：")
    return draw


def build(ctx: DocumentContext, size: LabelSize | SheetLayout = LABEL_100x70) -> bytes:
    """All seal labels of the visit (one page per label on label stock,
    tiled on sheets otherwise). A blank context gives one empty label (or a
    full sheet) to fill in by hand."""
    seals: list[Seal | None] = list(ctx.seals()) or [None]
    if isinstance(size, SheetLayout):
        if ctx.blank:
            seals = [None] * size.per_page
        return _build_sheet(ctx, seals, size)
    doc = Doc("封条", ctx.record_no, pagesize=(size.width, size.height), margin=0, footer=False)
    for i, seal in enumerate(seals):
        if i:
            doc.new_page()
        draw_label(doc, ctx, seal, 0, 0, size)
    return doc.finish()


def _build_sheet(ctx: DocumentContext, seals: list[Seal | None], sheet: SheetLayout) -> bytes:
    pw, ph = sheet.page
    lw, lh = sheet.label.width, sheet.label.height
    left = (pw - sheet.cols * lw - (sheet.cols - 1) * sheet.gap) / 2
    bottom = (ph - sheet.rows * lh - (sheet.rows - 1) * sheet.gap) / 2
    doc = Doc("封条", ctx.record_no, pagesize=sheet.page, margin=0, footer=False)
    for i, seal in enumerate(seals):
        k = i % sheet.per_page
        if i and k == 0:
            doc.new_page()
        if k == 0:
            note = f"封条  抽样单编号：{ctx.record_no}  沿虚线裁开"
            doc.text(pw / 2, ph - bottom / 2 - 1 * mm, note, 7, align="center")
            _cut_lines(doc, sheet, left, bottom)
        col, row = k % sheet.cols, k // sheet.cols
        x = left + col * (lw + sheet.gap)
        y = ph - bottom - (row + 1) * lh - row * sheet.gap
        draw_label(doc, ctx, seal, x, y, sheet.label)
    return doc.finish()


def _cut_lines(doc: Doc, sheet: SheetLayout, left: float, bottom: float) -> None:
    """Each cut drawn once across the sheet (labels share their edges), so
    there is one line to cut along, not two close ones."""
    lw, lh = sheet.label.width, sheet.label.height
    right = left + sheet.cols * lw + (sheet.cols - 1) * sheet.gap
    top = bottom + sheet.rows * lh + (sheet.rows - 1) * sheet.gap
    xs = sorted({left + i * (lw + sheet.gap) for i in range(sheet.cols)}
                | {left + i * (lw + sheet.gap) + lw for i in range(sheet.cols)})
    ys = sorted({bottom + i * (lh + sheet.gap) for i in range(sheet.rows)}
                | {bottom + i * (lh + sheet.gap) + lh for i in range(sheet.rows)})
    c = doc.c
    c.saveState()
    c.setDash(2, 3)
    c.setLineWidth(0.3)
    for x in xs:
        c.line(x, bottom, x, top)
    for y in ys:
        c.line(left, y, right, y)
    c.restoreState()

