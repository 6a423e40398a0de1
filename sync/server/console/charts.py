"""Server-rendered SVG charts: the burn-up against the plan's deadlines and
a bar chart of progress per product. Plain SVG (prints, no script, no
library), every label escaped."""
from __future__ import annotations

from datetime import date, timedelta
from html import escape

from sync.server.records.dashboard import BurnUp, Row

BLUE, GREEN, ORANGE, RED, GREY, GRID = "#1f5fa8", "#1c7c3c", "#d9822b", "#c0262d", "#8792a2", "#e3e8ee"


def _nice_step(top: float, ticks: int = 5) -> int:
    raw = max(top / ticks, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if step >= raw:
            return step
    return int(raw)


def burnup_svg(b: BurnUp, labels: dict[str, str], width: int = 900, height: int = 320) -> str:
    left, right, top, bottom = 52, 150, 16, 36
    w, h = width - left - right, height - top - bottom
    days = max((b.end - b.start).days, 1)
    ymax = max(b.total, max((n for _, n in b.cumulative), default=0), 1)
    step = _nice_step(ymax)
    ymax = ((ymax + step - 1) // step) * step

    def x(d: date) -> float:
        return left + w * (d - b.start).days / days

    def y(v: float) -> float:
        return top + h - h * v / ymax

    out = [f'<svg class="chart burnup" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'aria-label="{escape(labels["title"])}">']
    for v in range(0, ymax + 1, step):
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    tick_every = max(1, days // 10)
    d = b.start
    while d <= b.end:
        out.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="{top + h}" y2="{top + h + 4}" stroke="{GREY}"/>'
                   f'<text x="{x(d):.1f}" y="{top + h + 16}" text-anchor="middle">{d:%m-%d}</text>')
        d += timedelta(days=tick_every)
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + h}" stroke="{GREY}"/>'
               f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="{GREY}"/>')
    # the plan total and the deadlines
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{y(b.total):.1f}" y2="{y(b.total):.1f}" stroke="{GREEN}" '
               f'stroke-width="1.5"/><text x="{left + 6}" y="{y(b.total) - 6:.1f}" fill="{GREEN}">'
               f'{escape(labels["target"])}</text>')
    for i, dl in enumerate(b.deadlines):
        # labels left of their line, one above the other, clear of the plan line
        out.append(f'<line class="deadline" x1="{x(dl):.1f}" x2="{x(dl):.1f}" y1="{top}" y2="{top + h}" stroke="{RED}" '
                   f'stroke-dasharray="4 3"/><text x="{x(dl) - 4:.1f}" y="{top + h * 0.35 + 16 * i:.1f}" '
                   f'text-anchor="end" fill="{RED}">{escape(labels["deadline"].format(date=dl.strftime("%m-%d")))}</text>')
    # sampled so far
    pts = " ".join(f"{x(d):.1f},{y(n):.1f}" for d, n in b.cumulative)
    if pts:
        out.append(f'<polyline class="actual" points="{pts}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
        last_d, last_n = b.cumulative[-1]
        out.append(f'<circle cx="{x(last_d):.1f}" cy="{y(last_n):.1f}" r="3.5" fill="{BLUE}"/>'
                   f'<text x="{x(last_d) + 6:.1f}" y="{y(last_n) - 6:.1f}" fill="{BLUE}">{last_n}</text>')
        # projection from today to the last deadline at the recent rate
        end = b.deadlines[-1] if b.deadlines[-1] > last_d else last_d
        end_v = min(float(b.total), last_n + b.rate * (end - last_d).days)
        out.append(f'<line class="projection" x1="{x(last_d):.1f}" y1="{y(last_n):.1f}" x2="{x(end):.1f}" '
                   f'y2="{y(end_v):.1f}" stroke="{ORANGE}" stroke-width="2" stroke-dasharray="6 4"/>')
    # legend
    lx = left + w + 6
    out.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{top + h - 34}" y2="{top + h - 34}" stroke="{BLUE}" stroke-width="2.5"/>'
               f'<text x="{lx + 22}" y="{top + h - 30}">{escape(labels["actual"])}</text>'
               f'<line x1="{lx}" x2="{lx + 18}" y1="{top + h - 14}" y2="{top + h - 14}" stroke="{ORANGE}" '
               f'stroke-width="2" stroke-dasharray="6 4"/>'
               f'<text x="{lx + 22}" y="{top + h - 10}">{escape(labels["projection_short"])}</text>')
    out.append("</svg>")
    return "".join(out)


def products_svg(rows: list[Row], labels: dict[str, str], width: int = 900) -> str:
    """One bar per product: the plan's batches (outline), sampled (filled),
    refused and problem-reported (stacked after)."""
    bar_h, gap, left, right, top = 14, 6, 150, 70, 6
    height = top + len(rows) * (bar_h + gap) + 24
    w = width - left - right
    top_v = max((r.counts.planned for r in rows), default=1) or 1
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'aria-label="{escape(labels["title"])}">']
    for i, r in enumerate(rows):
        yy = top + i * (bar_h + gap)
        c = r.counts
        scale = w / top_v
        out.append(f'<text x="{left - 6}" y="{yy + bar_h - 3}" text-anchor="end">{escape(r.label)}</text>'
                   f'<rect x="{left}" y="{yy}" width="{c.planned * scale:.1f}" height="{bar_h}" fill="#fff" '
                   f'stroke="{GREY}"/>')
        x0 = left
        for value, color in ((c.sampled, BLUE), (c.refused, RED), (c.problem, ORANGE)):
            if value:
                out.append(f'<rect x="{x0:.1f}" y="{yy}" width="{value * scale:.1f}" height="{bar_h}" fill="{color}"/>')
                x0 += value * scale
        out.append(f'<text x="{left + c.planned * scale + 6:.1f}" y="{yy + bar_h - 3}">{c.sampled}/{c.planned}</text>')
    ly = height - 8
    x0 = left
    for text, color in ((labels["sampled"], BLUE), (labels["refused"], RED), (labels["problem"], ORANGE),
                        (labels["planned"], "#fff")):
        out.append(f'<rect x="{x0}" y="{ly - 9}" width="12" height="10" fill="{color}" stroke="{GREY}"/>'
                   f'<text x="{x0 + 16}" y="{ly}">{escape(text)}</text>')
        x0 += 120
    out.append("</svg>")
    return "".join(out)
