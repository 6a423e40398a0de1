"""盲样标签: the small label an accepted test sample carries to the tester:
its blind code (二次编号) as text and QR, and nothing else — no party, no
record number, no product name that could tell a tester whose it is."""
from __future__ import annotations

from reportlab.lib.units import mm

from forms import qr
from forms.layout import Doc

TITLE = "盲样标签"
WIDTH, HEIGHT = 50 * mm, 30 * mm
QR_BOX = 22 * mm


def build(code: str) -> bytes:
    doc = Doc(TITLE, "", pagesize=(WIDTH, HEIGHT), margin=0, footer=False)
    c = doc.c
    c.setLineWidth(0.8)
    c.rect(0.8 * mm, 0.8 * mm, WIDTH - 1.6 * mm, HEIGHT - 1.6 * mm)
    qr.draw(c, code, WIDTH - QR_BOX - 2.5 * mm, (HEIGHT - QR_BOX) / 2, QR_BOX)
    left = 3 * mm
    doc.text(left, HEIGHT - 8 * mm, "样品编号", 7)
    part1, _, part2 = code.partition("-")
    doc.text(left, HEIGHT - 15.5 * mm, part1, 13, bold=True)
    doc.text(left, HEIGHT - 22 * mm, part2 or "", 13, bold=True)
    return doc.finish()
