"""A test label for the first run: one label of the chosen size (or one A4
sheet position) marked plainly as a test, with a QR of the same size as a
real seal's and a 10 mm scale, so the sampler sees at once whether the
printer, the label stock and the QR come out right. It carries no seal
payload and cannot pass for a seal."""
from __future__ import annotations

from reportlab.lib.units import mm

from forms import qr
from forms.layout import Doc
from forms.seal_labels import QR_SIZE, SIZES, LabelSize, SheetLayout

TEST_TEXT = "FIELD-SAMPLER-TEST-LABEL"


def build(size_name: str, printer: str = "") -> bytes:
    size = SIZES.get(size_name, SIZES["100x70"])
    label: LabelSize = size.label if isinstance(size, SheetLayout) else size
    page = size.page if isinstance(size, SheetLayout) else (label.width, label.height)
    doc = Doc("测试标签", "", pagesize=page, margin=0, footer=False)
    # on an A4 sheet: the top left label position, like the first real seal
    x = (page[0] - size.cols * label.width) / 2 if isinstance(size, SheetLayout) else 0
    y = page[1] - (page[1] - size.rows * label.height) / 2 - label.height if isinstance(size, SheetLayout) else 0
    c = doc.c
    c.saveState()
    c.setLineWidth(1.2)
    c.rect(x + 0.8 * mm, y + 0.8 * mm, label.width - 1.6 * mm, label.height - 1.6 * mm)
    c.restoreState()
    m = 2.5 * mm
    top = y + label.height - m
    doc.text(x + m, top - label.title, "测试标签（不是封条）", label.title, bold=True)
    doc.text(x + m, top - label.title - 2.2 * label.font, "TEST LABEL - NOT A SEAL", label.font)
    box = min(QR_SIZE, label.height - label.title - 6 * mm)
    qr.draw(c, TEST_TEXT, x + label.width - m - box, y + m, box)
    lines = [f"标签尺寸 label: {label.name} mm", f"打印机 printer: {printer or '系统默认 default'}",
             "二维码与封条上的一样大，应能扫描", "QR as large as on a seal"]
    for i, line in enumerate(lines):
        doc.text(x + m, top - label.title - (4.2 + 1.6 * i) * label.font, line, label.font)
    # a 10 mm scale: measure it to check the printer does not scale the page
    c.saveState()
    c.setLineWidth(0.6)
    sx, sy = x + m, y + m + 2 * mm
    c.line(sx, sy, sx + 10 * mm, sy)
    for i in range(11):
        c.line(sx + i * mm, sy, sx + i * mm, sy + (2 if i % 5 == 0 else 1) * mm)
    c.restoreState()
    doc.text(sx, sy - label.font - 0.5 * mm, "10 mm", label.font)
    return doc.finish()
