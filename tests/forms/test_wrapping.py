"""Long party names and addresses wrap inside their boxes (checked with the
text positions poppler reports) instead of running off the table."""
from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest
from reportlab.lib.units import mm

from forms import payment_slip, sampling_form, seal_labels
from forms.layout import wrap
from forms.fonts import register_cjk_font
from tests.forms.conftest import pdftotext

LONG_NAME = ("太原市晋安石油化工销售有限公司（演示）迎泽区双塔西街与并州南路交叉口东北角"
             "第一百二十八加油加气充电综合能源服务站（含便利店）")
LONG_ADDRESS = ("山西省太原市迎泽区双塔西街与并州南路交叉口东北角双塔西街一百二十八号院内东侧"
                "综合能源服务站站房一层西侧营业厅及其附属罩棚区域")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words(pdf: bytes) -> list[tuple[float, float, float, float, str]]:
    html = pdftotext(pdf, "-bbox", "-f", "1", "-l", "1")
    return [(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in WORD.findall(html)]


@pytest.fixture()
def long_ctx(demo):
    party = replace(demo.visit.party, name=LONG_NAME, address=LONG_ADDRESS)
    return replace(demo, visit=replace(demo.visit, party=party))


def lines_of(ws, text):
    """The distinct text lines (y) whose words are pieces of text."""
    parts = [w for w in ws if len(w[4]) >= 2 and w[4] in text]
    return parts, sorted({round(w[1]) for w in parts})


@pytest.mark.parametrize("module", [sampling_form, payment_slip], ids=["sampling_form", "payment_slip"])
def test_long_name_and_address_wrap_inside_the_value_cell(module, long_ctx):
    pdf = module.build(long_ctx)
    ws = words(pdf)
    margin = 12 * mm if module is payment_slip else 15 * mm
    page_w = 595.28
    table_x1 = page_w - margin
    value_x0 = margin + (page_w - 2 * margin) * 4 / 24        # label cell is 4 of 24 units
    for text in (LONG_NAME, LONG_ADDRESS if module is sampling_form else None):
        if text is None:
            continue
        parts, ys = lines_of(ws, text)
        assert len(ys) >= 2, f"{text[:10]}… was not wrapped"
        assert "".join(w[4] for w in parts if round(w[1]) in ys[:len(ys)]).startswith(text[:10])
        for x0, _y0, x1, _y1, t in parts:
            assert x0 >= value_x0 - 0.5, f"{t} starts left of its cell"
            assert x1 <= table_x1 + 0.5, f"{t} runs past the table border ({x1:.1f} > {table_x1:.1f})"
    # nothing on the page runs past the right border
    assert max(w[2] for w in ws) <= table_x1 + 0.5


def test_long_name_on_labels_stays_left_of_the_qr(long_ctx):
    pdf = seal_labels.build(long_ctx, seal_labels.LABEL_70x50)
    ws = words(pdf)
    label_w = 70 * mm
    qr_left = label_w - seal_labels.MARGIN - seal_labels.QR_SIZE
    parts, ys = lines_of(ws, LONG_NAME)
    assert len(ys) >= 3
    assert all(x1 <= qr_left for _x0, _y0, x1, _y1, _t in parts)
    assert "".join(w[4] for w in parts).replace(" ", "") == LONG_NAME


def test_wrap_rules():
    font = register_cjk_font()
    lines = wrap("受检单位名称，ABCDEFGH 测试（括号）", 60, font, 10)
    assert all(not ln.startswith(("，", "）")) for ln in lines)
    assert all(not ln.endswith("（") for ln in lines)
    assert "ABCDEFGH" in "\n".join(lines).replace("\n", "") and any("ABCDEFGH" in ln for ln in lines)


def test_a_run_of_closing_marks_never_starts_a_line():
    """“…库存数量等），” at the end of a line: 等 goes down with the marks."""
    font = register_cjk_font()
    text = "如实提供所需的材料和信息（营业执照、许可证、进货凭证、库存数量等），不得阻碍。"
    for width in range(120, 400, 7):
        lines = wrap(text, width, font, 9.5)
        assert "".join(lines) == text
        assert not any(ln.startswith(("）", "，", "），")) for ln in lines[1:]), (width, lines)


def test_bold_titles_are_bolder_and_do_not_make_the_next_text_bold(tmp_path):
    """The CJK font has no bold face: titles are filled and stroked. The
    stroke mode must end with the title, or every later line prints bold."""
    from PIL import Image

    from forms.layout import Doc
    from tests.forms.conftest import render
    doc = Doc("t", footer=False)
    for row, bold in enumerate((False, True, False)):
        doc.text(60, 700 - row * 60, "产品质量监督抽查", size=18, bold=bold)
    with Image.open(render(doc.finish(), tmp_path, dpi=100)) as img:
        grey = img.convert("L")
        ink = []
        for row in range(3):
            top = round((842 - 700 + row * 60 - 20) * 100 / 72)
            band = grey.crop((0, top, grey.width, top + round(30 * 100 / 72)))
            ink.append(sum(band.histogram()[:128]))
    before, title, after = ink
    assert before > 500
    assert title > before * 1.15, ink
    assert abs(after - before) <= before * 0.02, ink
