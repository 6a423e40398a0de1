"""A QR code as inline SVG, drawn on the server: no script, no CDN, and it
prints as sharp as the screen shows it (the same module matrix as the
documents' QR, forms/qr.py)."""
from __future__ import annotations

from markupsafe import Markup

from forms.qr import matrix

QUIET = 4           # the standard quiet zone, in modules: a camera needs it to find the code


def qr_svg(text: str, *, label: str = "", css_class: str = "qr") -> Markup:
    """<svg> of the QR of `text`: one path of dark runs on a white square."""
    rows, _version = matrix(text)
    n = len(rows)
    runs = []
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append(f"M{start + QUIET} {r + QUIET}h{c - start}v1h-{c - start}z")
            else:
                c += 1
    size = n + 2 * QUIET
    title = f"<title>{Markup.escape(label)}</title>" if label else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{Markup.escape(css_class)}" viewBox="0 0 {size} {size}" '
        f'role="img" shape-rendering="crispEdges">{title}<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>')
