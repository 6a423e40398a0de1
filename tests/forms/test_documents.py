"""Every official document: it parses, its text carries the field labels and
the visit's data, its CJK font is embedded, and it renders to an image."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from forms.documents import DOCUMENTS
from tests.forms.conftest import compact, fonts_of, pdftotext, render

NAMES = [k.value for k in DOCUMENTS]
PARTY = "太原市晋安石油化工销售有限公司迎泽大街第十八加油站"
RECORD_NO = "SX2022-4-0018"
# document -> (field labels, values from the demo visit)
EXPECTED = {
    "inspection_notice": (["产品质量监督抽查通知书", "受检单位名称", "抽查依据", "抽查产品", "承检机构",
                           "抽样人员", "受检单位的义务", "受检单位的权利", "投诉举报电话"],
                          [PARTY, "车用汽油", "山西省检验检测中心", "李明", "晋抽2022-0153", "赵晓燕",
                           "晋市监函〔2022〕279号", "0351-7654321"]),
    "sampling_form": (["产品质量监督抽查/复查抽样单", "任务来源", "统一社会信用代码", "法定代表人", "邮编",
                       "生产单位", "商标", "规格型号", "执行标准", "抽样基数", "检验样品数量", "备用样品数量",
                       "抽样地点", "抽样方法", "封样情况", "备用样品存放", "样品寄送方式", "抽样人员签字", "受检单位",
                       "记录哈希", "更正/补充", "经济类型", "生产单位确认"],
                      [PARTY, "车用汽油", "GB17930-2016", "92#", "8.39元/L（标价）", "18600L", "SX0018-J1",
                       "SX0018-B2", "晋市监质函〔2022〕112号", "山西晋能示范炼化有限公司", "2022年10月12日",
                       "牌号", "油罐号", "加油机编号", "供货单位", "最近一批进罐日期"]),
    "payment_slip": (["产品质量监督抽查样品付费单", "数量", "单价", "金额（小写）", "金额（大写）", "价格依据",
                      "付款方式", "签字盖章"],
                     [PARTY, "¥16.78", "人民币壹拾陆元柒角捌分", "■按受检单位标价", "现金", "92#"]),
    "seal_labels": (["封条", "产品质量监督抽查", "封条编号", "抽样单编号", "产品名称", "受检单位", "封样日期",
                     "承检机构", "抽样人员签字", "受检单位签字"],
                    ["检验样品", "备用样品", "SX0018-J1", "SX0018-J2", "SX0018-B1", "SX0018-B2", "车用汽油"]),
    "storage_notice": (["产品质量监督抽查样品封存和处置告知单", "封存数量", "封存地点", "封存日期", "封存状态",
                        "省局批准文号", "处置方式"],
                       [PARTY, "晋市监质函〔2022〕112号", "站房东侧危化品储存柜", "SX0018-B1", "2L"]),
    "refusal_form": (["产品质量监督抽查拒检认定表", "拒检时间", "拒检地点", "涉及产品", "拒检情形", "事实经过",
                      "证据", "认定意见", "认定人签字", "报送省局"],
                     [PARTY, "■以明显不合理的样品价格等方式不配合", "每升200元", "太原市迎泽区市场监督管理局",
                      "10时00分"]),
    "problem_report": (["产品质量监督抽查样品问题报送单", "问题类型", "问题描述", "证据", "处理情况", "报送单位",
                        "报送人", "接收单位"],
                       [PARTY, "■无证无照", "■已终止抽样", "危险化学品经营许可证"]),
    "no_sample_statement": (["未抽到样品企业情况说明", "任务来源", "任务类别", "抽查产品", "抽样时间", "企业名称",
                             "企业地址", "联系人/电话", "未抽样原因", "过程简要描述", "证据", "当地市场",
                             "抽样人员签字", "受检单位"],
                            [PARTY, "■无该产品库存", "2号罐", "太原市迎泽区市场监督管理局", "SX2022-4-0018-WC"]),
    "feedback_form": (["产品质量监督抽查工作质量及工作纪律反馈单", "抽查任务", "抽样人员", "意见和建议",
                       "评价项目", "反馈单寄回"],
                      [PARTY, "李明", "赵晓燕", "滨河西路88号", "2022年第四批产品质量监督抽查"]),
    "improvement_advice": (["产品质量改进建议书", "报告编号", "产品名称", "规格型号", "受检单位", "生产单位",
                            "检验机构", "不合格项目", "质量问题描述", "原因分析", "改进建议", "备注",
                            "检验机构公章"],
                           [PARTY, "SXJC-YP-2022-4-0018", "研究法辛烷值", "山西晋能示范炼化有限公司"]),
    "rejection_letter": (["产品质量监督抽查样品拒收通知书", "抽样单编号", "产品名称", "受检单位", "封条编号",
                          "收样时间", "封条完好", "样品与抽样单相符", "样品数量满足检验要求", "拒收理由", "收样人",
                          "检验机构（公章）"],
                         [PARTY, "SX0018-B2", "备用样品第2件", "■否", "封条一角撕裂", "周检验", "车用汽油"]),
}


def test_every_document_is_covered():
    assert set(EXPECTED) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_demo_document_text(name, demo_pdfs):
    pdf = demo_pdfs[name]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = compact(pdftotext(pdf))
    labels, values = EXPECTED[name]
    missing = [s for s in labels + values + [RECORD_NO] if compact(s) not in text]
    assert not missing, f"{name}: not in the PDF text: {missing}"
    # pypdf reads the same text (ToUnicode maps are right, not just poppler's guess)
    assert compact(labels[0]) in compact("".join(p.extract_text() for p in reader.pages))


@pytest.mark.parametrize("name", NAMES)
def test_blank_document_has_labels_and_no_visit_data(name, blank_pdfs):
    text = compact(pdftotext(blank_pdfs[name]))
    labels, values = EXPECTED[name]
    assert all(compact(s) in text for s in labels if s not in ("检验样品", "备用样品"))
    assert PARTY not in text and RECORD_NO not in text


@pytest.mark.parametrize("name", NAMES)
def test_a_blank_forms_heading_leaves_a_line_for_each_number(name, blank_pdfs):
    """The paper fallback: 编号, 抽样单编号, 记录编号, 报告编号 and 抽查任务 in
    the heading are written in by hand, so each has a line to write on."""
    import re
    for page in pdftotext(blank_pdfs[name], "-layout").split("\f"):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        heading = lines[:6] + [ln for ln in lines if re.search(r"第 ?\d+ ?页", ln)]     # and the footer
        for line in heading:
            if re.search(r"(?:编号|抽查任务)：(?!_)", line):
                pytest.fail(f"{name}: {line.strip()!r} leaves nothing to write on")


@pytest.mark.parametrize("kind", ["demo", "blank"])
@pytest.mark.parametrize("name", NAMES)
def test_fonts_are_embedded(name, kind, demo_pdfs, blank_pdfs):
    pdf = (demo_pdfs if kind == "demo" else blank_pdfs)[name]
    fonts = fonts_of(pdf)
    assert fonts, "no fonts on the page"
    for font in fonts:
        desc = font.get("/FontDescriptor")
        assert desc is not None, f"{font.get('/BaseFont')} is not embedded (base-14 / viewer font)"
        desc = desc.get_object()
        assert "/FontFile2" in desc, f"{font.get('/BaseFont')} has no embedded TrueType program"
        assert "+" in font["/BaseFont"], "font should be a subset (AAAAAA+Name)"


@pytest.mark.parametrize("name", NAMES)
def test_renders_to_png(name, demo_pdfs, tmp_path):
    png = render(demo_pdfs[name], tmp_path)
    with Image.open(png) as img:
        gray = img.convert("L")
        assert gray.size[0] > 100
        dark = sum(gray.histogram()[:128])
        assert dark > 2000, "page is (almost) blank"


def test_record_number_on_every_page(demo_pdfs):
    for name, pdf in demo_pdfs.items():
        for i, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
            assert RECORD_NO in compact(page.extract_text()), f"{name} page {i + 1} lacks the record number"


def test_same_input_same_bytes(demo):
    from forms import sampling_form
    assert sampling_form.build(demo) == sampling_form.build(demo)


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_each_registry_document_prints_its_registry_title(kind, demo_pdfs):
    assert compact(DOCUMENTS[kind].title) in compact(pdftotext(demo_pdfs[kind.value]))
