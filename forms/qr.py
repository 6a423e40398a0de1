"""QR codes drawn as vector squares into the PDF.

Modules are snapped to whole printer dots (203 dpi thermal label printers by
default), so every module prints the same width and a 25 mm square stays
readable; at 300/600 dpi office printers the same sizes are whole dots too
only approximately, which those resolutions tolerate.
"""
from __future__ import annotations

import re

import zxingcpp
from reportlab.lib.units import inch

LABEL_DPI = 203
# Quiet zone kept inside the box; callers leave >= 1 mm of white around the
# box, which with 0.5 mm modules makes up the standard 4-module margin.
QUIET_MODULES = 2
_DARK_RUN = re.compile(rb"\x00+")        # a run of dark modules in one row of the 1-px image


def _modules(text: str, error_correction: str) -> tuple[bytes, int]:
    """The QR's modules, one byte per module row by row (0 = dark), and n."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error_correction)
    img = memoryview(code.to_image(scale=1, add_quiet_zones=False))   # 1 px per module
    return img.tobytes(), img.shape[0]


def matrix(text: str, error_correction: str = "M") -> tuple[list[list[bool]], int]:
    """The module matrix (without quiet zone) and the QR version, encoded by
    zxing-cpp (the library that also reads the seals back): C++, ~15x faster
    than the pure-Python qrcode package, which spent 60 % of a seal-label
    sheet choosing its mask. Same versions for our payloads; the encoder
    still picks the mode segments and the least-penalty mask."""
    raw, n = _modules(text, error_correction)
    rows = [[b == 0 for b in raw[r * n:(r + 1) * n]] for r in range(n)]
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
    raw, n = _modules(text, "M")
    m = module_size(n, box, dpi)
    off = (box - n * m) / 2
    # One rectangle per run of dark modules, written in module units under a
    # transform: small integers instead of ~8,000 formatted floats a set.
    ops = [f"{run.start() - r * n} {r} {run.end() - run.start()} 1 re"
           for r in range(n) for run in _DARK_RUN.finditer(raw, r * n, (r + 1) * n)]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(m, 0, 0, -m, x + off, y + box - off)   # origin at the top-left module, rows down
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    return (n - 17) // 4
