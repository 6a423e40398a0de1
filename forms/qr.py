"""QR codes drawn as vector squares into the PDF.

Modules are snapped to whole printer dots (203 dpi thermal label printers by
default), so every module prints the same width and a 25 mm square stays
readable; at 300/600 dpi office printers the same sizes are whole dots too
only approximately, which those resolutions tolerate.
"""
from __future__ import annotations

import zxingcpp
from reportlab.lib.units import inch

LABEL_DPI = 203
# Quiet zone kept inside the box; callers leave >= 1 mm of white around the
# box, which with 0.5 mm modules makes up the standard 4-module margin.
QUIET_MODULES = 2


def matrix(text: str, error_correction: str = "M") -> tuple[list[list[bool]], int]:
    """The module matrix (without quiet zone) and the QR version, encoded by
    zxing-cpp (the library that also reads the seals back): C++, ~15x faster
    than the pure-Python qrcode package, which spent 60 % of a seal-label
    sheet choosing its mask. Same versions for our payloads; the encoder
    still picks the mode segments and the least-penalty mask."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error_correction)
    img = memoryview(code.to_image(scale=1, add_quiet_zones=False))   # 1 px per module, 0 = dark
    n = img.shape[0]
    raw = img.tobytes()
    rows = [[raw[r * n + c] == 0 for c in range(n)] for r in range(n)]
    return rows, (n - 17) // 4


def module_size(n_modules: int, box: float, dpi: int = LABEL_DPI) -> float:
    """Largest module size (points) that is a whole number of printer dots
    and fits n_modules plus the quiet zone into box (points). Falls back to
    a fractional size when even one dot per module is too big."""
    dot = inch / dpi
    dots = int(box / dot) // (n_modules + 2 * QUIET_MODULES)
    return dots * dot if dots >= 1 else box / (n_modules + 2 * QUIET_MODULES)


def draw(canvas, text: str, x: float, y: float, box: float, dpi: int = LABEL_DPI) -> int:
    """Draw the QR of text centred in the square box at (x, y) (lower left,
    points) with its quiet zone inside the box. Returns the QR version."""
    rows, version = matrix(text)
    n = len(rows)
    m = module_size(n, box, dpi)
    off = (box - n * m) / 2
    x0, top = x + off, y + box - off
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x0 + start * m, top - (r + 1) * m, (c - start) * m, m)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, fill=1, stroke=0)
    canvas.restoreState()
    return version
