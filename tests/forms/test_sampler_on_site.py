"""The sampling form lists the samplers present with their certificate
numbers; one added on site is marked so, and has a signature box; an absent
team member is not listed."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from reportlab.lib.units import mm

from app.domain.visit import Signature, SignerRole, TeamMember
from forms.context import DocumentContext
from forms.sampling_form import build
from tests.conftest import signature_png
from tests.forms.conftest import compact, pdftotext


def _with_replacement(demo: DocumentContext) -> DocumentContext:
    """The demo visit, but 赵晓燕 fell ill and 王磊 of the agency replaced her and signed."""
    v = demo.visit
    team = [replace(m, present=m.name != "赵晓燕") for m in v.team]
    team.append(TeamMember("onsite-1", "王磊", "晋执法证2022-0105", added_on_site=True))
    png = signature_png(7)
    digest = hashlib.sha256(png).hexdigest()
    first = next(s for s in v.signatures if s.role == SignerRole.SAMPLER)
    sigs = [s for s in v.signatures if s.role != SignerRole.SAMPLER or s.name != "赵晓燕"]
    sigs.append(Signature("sig-wang", SignerRole.SAMPLER, "王磊", digest, "onsite-1", first.signed_at))
    return replace(demo, visit=replace(v, team=team, signatures=sigs),
                   signature_images={**demo.signature_images, digest: png})


def test_added_sampler_is_listed_with_certificate_and_marked(demo):
    text = pdftotext(build(_with_replacement(demo)))
    flat = compact(text)
    assert "抽样人员李明（证件编号：晋抽2022-0153）王磊（证件编号：晋执法证2022-0105，现场添加）" in flat
    assert "姓名：王磊" in flat                   # his own signature box
    assert "赵晓燕" not in flat                   # absent: neither listed nor a box
    # Without an on-site addition there is no marker.
    plain = compact(pdftotext(build(demo)))
    assert "现场添加" not in plain and "赵晓燕（证件编号：" in plain


def test_added_sampler_line_is_whole_and_inside_its_row(demo):
    """Laid out by poppler: his line is one unbroken run, inside the page
    margins, above the signature boxes (not cut off, not overlapping)."""
    pdf = build(_with_replacement(demo))
    bbox = pdftotext(pdf, "-bbox")
    words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                        bbox)]
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    line = [w for w in words if w[4] == "王磊（证件编号：晋执法证2022-0105，现场添加）"]
    assert len(line) == 1
    x0, _y0, x1, y1, _ = line[0]
    assert 15 * mm < x0 < x1 < page_width - 15 * mm
    captions = [w for w in words if w[4] == "签字：" and w[1] > y1]
    assert captions, "the signature boxes follow below the listing"
