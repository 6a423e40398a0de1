"""A small form engine on the reportlab canvas: centred titles, bordered
tables whose cells wrap CJK text inside their boxes and grow in height,
page breaks that repeat the record number, signature boxes.

Drawing directly on the canvas (not platypus) keeps a full document set
well under the 300 ms budget and gives exact control of the boxes.
"""
from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen import canvas as rl_canvas

from forms import flate
from forms.fonts import register_cjk_font

flate.install()                    # every PDF built here: streams at zlib level 1

PAD = 1.6 * mm
LEADING = 1.35                     # line height / font size
_TOKEN = re.compile(r"[\x21-\x7e]+| |.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")
_NO_LINE_END = set("（《「『“‘(")
Drawer = Callable[[rl_canvas.Canvas, float, float, float, float], None]


@dataclass
class Cell:
    text: str = ""
    span: int = 1                  # in table units
    label: bool = False            # field label: centred, not wrapped to the left
    align: str = ""                # "left" / "center"; default by label
    size: float = 0                # font size; 0 = the table's
    draw: Drawer | None = None     # custom content (signatures, QR); text is ignored
    min_h: float = 0
    fill: bool = False             # shaded section header



def L(text: str, span: int = 1, **kw) -> Cell:
    return Cell(text, span, label=True, **kw)


def H(text: str, span: int = 24) -> Cell:
    """A shaded section header across the table."""
    return Cell(text, span, label=True, align="left", fill=True)


def V(text: object, span: int = 1, **kw) -> Cell:
    return Cell("" if text is None else str(text), span, **kw)


_widths: dict[tuple[str, float], dict[str, float]] = {}


def text_width(text: str, font: str, size: float) -> float:
    widths = _widths.get((font, size))
    if widths is None:
        widths = _widths[(font, size)] = {}
    total = 0.0
    for ch in text:
        w = widths.get(ch)
        if w is None:
            w = widths[ch] = stringWidth(ch, font, size)
        total += w
    return total


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: float, font: str, size: float) -> tuple[str, ...]:
    """Break text into lines no wider than width: CJK between any two
    characters, ASCII words kept whole unless longer than a line, no
    closing punctuation at the start of a line and no opening one at the end.
    Kept per (text, width, size): the forms' labels and a visit's names
    recur on every document of the set, and the seal labels measure their
    tables at each font size they try."""
    lines: list[str] = []
    for para in text.split("\n"):
        toks: list[str] = []
        lw = 0.0
        for tok in _TOKEN.findall(para):
            tw = text_width(tok, font, size)
            if lw + tw <= width or not toks and tw <= width:
                toks.append(tok)
                lw += tw
                continue
            if tw > width:                      # a word longer than the line: split it
                for ch in tok:
                    cw = text_width(ch, font, size)
                    if lw + cw > width and toks:
                        lines.append("".join(toks))
                        toks, lw = [], 0.0
                    toks.append(ch)
                    lw += cw
                continue
            carry: list[str] = []
            if (tok in _NO_LINE_START or toks[-1] in _NO_LINE_END) and len(toks) > 1:
                carry = [toks.pop()]
                # "等）" before "，": carry the character before a run of closing marks too
                while carry[0] in _NO_LINE_START and len(toks) > 1:
                    carry.insert(0, toks.pop())
            lines.append("".join(toks).rstrip())
            toks = carry + ([] if tok == " " and not carry else [tok])
            lw = sum(text_width(t, font, size) for t in toks)
        lines.append("".join(toks).rstrip())
    return tuple(lines)


class Doc:
    """One PDF being built. Coordinates in points, origin bottom left; self.y
    is the top of the next element."""

    def __init__(self, title: str, record_no: str = "", pagesize=A4, margin: float = 15 * mm,
                 size: float = 10.5, footer: bool = True):
        self.font = register_cjk_font()
        self._ttf = getFont(self.font)
        self.buf = io.BytesIO()
        self.c = rl_canvas.Canvas(self.buf, pagesize=pagesize, initialFontName=self.font,
                                  initialFontSize=size, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.c.setSubject(record_no)
        self.c.setCreator("Field Sampler 抽样助手")
        self.title_text, self.record_no = title, record_no
        self.w, self.h = pagesize
        self.margin, self.size, self.footer = margin, size, footer
        self.x0, self.x1 = margin, self.w - margin
        self.page = 1
        self.y = self.h - margin
        self.pad = PAD                             # cell padding; labels use less

    # ----- text -----
    def text(self, x: float, y: float, s: str, size: float | None = None, align: str = "left",
             bold: bool = False) -> None:
        size = size or self.size
        if align != "left":
            tw = text_width(s, self.font, size)
            x -= tw if align == "right" else tw / 2
        # The operators c.beginText/textOut/drawText would write, without a
        # text object per line (~500 lines a set): 27 -> 13 us a line.
        # reportlab keeps the font's subsets per PDF document, hence _doc.
        doc, font = self.c._doc, self._ttf
        runs = " ".join(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf ({escapePDF(chunk)}) Tj"
                        for subset, chunk in font.splitString(s, doc))
        if bold:                                  # the CJK TTF has no bold face: fill + stroke
            self.c.setLineWidth(size * 0.03)
            # the render mode is graphics state: back to fill before ET
            self.c.addLiteral(f"BT 2 Tr 1 0 0 1 {fp_str(x, y)} Tm {runs} 0 Tr ET")
            self.c.setLineWidth(0.6)
        else:
            self.c.addLiteral(f"BT 1 0 0 1 {fp_str(x, y)} Tm {runs} ET")

    def title(self, s: str, size: float = 18, gap: float = 4 * mm) -> None:
        self.y -= size
        self.text(self.w / 2, self.y, s, size=size, align="center", bold=True)
        self.y -= gap

    def line(self, left: str = "", right: str = "", size: float | None = None, center: str = "") -> None:
        size = size or self.size
        self.y -= size * LEADING
        if left:
            self.text(self.x0, self.y + size * 0.3, left, size)
        if center:
            self.text(self.w / 2, self.y + size * 0.3, center, size, align="center")
        if right:
            self.text(self.x1, self.y + size * 0.3, right, size, align="right")

    def para(self, s: str, size: float | None = None, indent: float = 0, first: float = 0,
             gap: float = 1.5 * mm) -> None:
        """Wrapped paragraphs across the page; first = first-line indent."""
        size = size or self.size
        lead = size * LEADING
        width = self.x1 - self.x0 - indent
        for part in s.split("\n"):
            lines = wrap(part, width - first, self.font, size)
            if len(lines) > 1:   # only the first line is indented: re-wrap the rest
                lines = lines[:1] + wrap(part[len(lines[0]):].lstrip(), width, self.font, size)
            for i, ln in enumerate(lines):
                self.ensure(lead)
                self.y -= lead
                self.text(self.x0 + indent + (first if i == 0 else 0), self.y + size * 0.3, ln, size)
        self.y -= gap

    def space(self, h: float) -> None:
        self.y -= h

    # ----- pages -----
    def ensure(self, h: float) -> None:
        if self.y - h < self.margin + (6 * mm if self.footer else 0):
            self.new_page()

    def _footer(self) -> None:
        if self.footer:
            s = f"{self.title_text}  编号：{self.record_no or '____________'}  第 {self.page} 页"
            self.text(self.w / 2, self.margin - 2 * mm, s, size=8, align="center")

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.h - self.margin

    def finish(self) -> bytes:
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()

    # ----- tables -----
    def _layout(self, rows: list[list[Cell]], units: int, size: float, min_row: float,
                x0: float, x1: float) -> list[tuple[float, list]]:
        unit = (x1 - x0) / units
        out = []
        for row in rows:
            if sum(c.span for c in row) != units:
                raise ValueError(f"row spans {sum(c.span for c in row)} units, table has {units}: {row}")
            laid = []
            h = min_row
            for cell in row:
                w = cell.span * unit
                fs = cell.size or size
                lines = () if cell.draw else wrap(cell.text, w - 2 * self.pad, self.font, fs)
                laid.append((cell, w, fs, lines))
                h = max(h, cell.min_h, len(lines) * fs * LEADING + 2 * self.pad)
            out.append((h, laid))
        return out

    def table_height(self, rows: list[list[Cell]], units: int = 24, size: float | None = None,
                     min_row: float = 8 * mm, x0: float | None = None, x1: float | None = None) -> float:
        x0 = self.x0 if x0 is None else x0
        x1 = self.x1 if x1 is None else x1
        return sum(h for h, _ in self._layout(rows, units, size or self.size, min_row, x0, x1))

    def table(self, rows: list[list[Cell]], units: int = 24, size: float | None = None,
              min_row: float = 8 * mm, x0: float | None = None, x1: float | None = None,
              strike_empty: bool = False) -> None:
        """strike_empty: an empty value cell prints "/" (a filled official
        form strikes what does not apply, so nothing can be added later)."""
        x0 = self.x0 if x0 is None else x0
        x1 = self.x1 if x1 is None else x1
        if strike_empty:
            rows = [[Cell("/", c.span, align="center", size=c.size, min_h=c.min_h)
                     if not (c.label or c.draw or c.fill or c.text.strip()) else c for c in row] for row in rows]
        self.c.setLineWidth(0.6)
        for h, laid in self._layout(rows, units, size or self.size, min_row, x0, x1):
            # keep a section header with the row after it
            self.ensure(h + (min_row * 2 if any(c.fill for c, *_ in laid) else 0))
            x, top = x0, self.y
            for cell, w, fs, lines in laid:
                if cell.fill:
                    self.c.setFillGray(0.9)
                self.c.rect(x, top - h, w, h, stroke=1, fill=int(cell.fill))
                self.c.setFillGray(0)
                if cell.draw:
                    cell.draw(self.c, x, top - h, w, h)
                else:
                    self._cell_text(cell, lines, x, top, w, h, fs)
                x += w
            self.y = top - h

    def _cell_text(self, cell: Cell, lines: list[str], x: float, top: float, w: float, h: float,
                   fs: float) -> None:
        lead = fs * LEADING
        align = cell.align or ("center" if cell.label else "left")
        block = len(lines) * lead
        y = top - (h - block) / 2 - lead + fs * 0.3 if cell.label or len(lines) <= 1 else top - self.pad - lead + fs * 0.3
        for ln in lines:
            if align == "center":
                self.text(x + w / 2, y, ln, fs, align="center")
            else:
                self.text(x + self.pad, y, ln, fs)
            y -= lead


@functools.lru_cache(maxsize=32)
def _image(png: bytes) -> ImageReader:
    """A decoded image, kept for the next documents of the set: a visit's
    signatures appear on several of them (sampling form, payment slip,
    storage notice ...), and decoding each PNG again was ~0.5 ms a drawing.
    Decoded here, in full, so a cached reader is only ever read."""
    img = ImageReader(io.BytesIO(png))
    img.getRGBData()
    return img


def draw_image(c: rl_canvas.Canvas, png: bytes, x: float, y: float, w: float, h: float) -> None:
    """Fit an image (signature) into the box, keeping its aspect ratio."""
    img = _image(png)
    iw, ih = img.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    c.drawImage(img, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")


def checks(options: list[str], selected: str | set[str] | None) -> str:
    """"■生产  □流通" style choices; nothing selected on blank forms."""
    sel = selected if isinstance(selected, set) else {selected}
    return "  ".join(("■" if o in sel else "□") + o for o in options)
