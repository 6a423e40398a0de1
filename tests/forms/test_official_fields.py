"""The fields officials check on each document (issue 12): each one present
in the PDF text as poppler reads it, with the demo visit's values; the demo's
documents agree with each other."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest
from PIL import Image
from reportlab.lib.units import mm

from app.domain.plan import Scope
from forms import (feedback_form, inspection_notice, no_sample_statement, payment_slip, problem_report,
                   refusal_form, sampling_form, seal_labels, storage_notice)
from forms.context import DocumentContext
from forms.demo import demo_no_sample_context, demo_problem_context, demo_refusal_context
from tests.forms.conftest import compact, pdftotext

RECORD_NO = "SX2022-4-0018"


def text_of(pdf: bytes) -> str:
    return compact(pdftotext(pdf))


def layout_lines(pdf: bytes) -> list[str]:
    """Lines as laid out on the page (cells of one table row on one line)."""
    return pdftotext(pdf, "-layout").splitlines()


def line_with(pdf: bytes, label: str) -> str:
    return next(ln for ln in layout_lines(pdf) if label in ln)


def row(pdf: bytes, label: str) -> str:
    """The table row of a label, as one compact string (label, then values)."""
    return compact(line_with(pdf, label))


# ---- sampling form ---------------------------------------------------------

def test_sampling_form_economic_type_and_product_fields(demo):
    text = text_of(sampling_form.build(demo))
    assert "经济类型有限责任公司" in text
    for label, value in (("牌号", "92#"), ("标准阶段", "国VI(A)"), ("油罐号", "2号罐"),
                         ("加油机编号", "5号加油机9号油枪"), ("是否加入清净剂", "是"), ("罐存量", "18600L"),
                         ("最近一批进罐日期", "2022年10月8日"), ("供货单位", "晋能示范石油销售有限公司太原油库")):
        assert compact(label) + compact(value) in text, label


def test_fuel_grade_is_written_as_national_stage_not_in_brackets(demo):
    text = text_of(sampling_form.build(demo))
    assert "国VI(A)" in text
    assert "（VIA）" not in text and "92号" not in text


def test_each_seal_number_carries_the_seal_hash_prefix(demo):
    pdf = sampling_form.build(demo)
    text = text_of(pdf)
    prefix = demo.visit.sealing_hash[:16]
    for seal in demo.visit.seals:
        assert f"{seal.seal_no}［{prefix}］" in text, seal.seal_no
    assert "封条二维码所含封样哈希前16位" in text


def test_the_printed_prefix_is_what_each_seal_qr_vouches_for(demo, signer):
    from app.domain.seal_payload import verify
    text = text_of(sampling_form.build(demo))
    for seal_no, payload in demo.seal_payloads.items():
        p = verify(payload, [signer.public_key_bytes()])
        assert f"{seal_no}［{p.hash_prefix}］" in text


def test_unused_fields_are_struck_on_a_filled_form_but_not_on_a_blank_one(demo):
    filled = sampling_form.build(demo)
    assert re.search(r"生产许可证编号\s+/\s+CCC 证书编号\s+/", line_with(filled, "生产许可证编号"))
    blank = sampling_form.build(DocumentContext.blank_form())
    assert "/" not in line_with(blank, "生产许可证编号")


def test_copies_statement_says_who_keeps_which(demo):
    text = text_of(sampling_form.build(demo))
    assert compact(sampling_form.COPIES) in text
    assert "一式三联" in text and "第二联受检单位留存" in text


def test_producer_confirmation_box_only_when_sampling_at_a_producer(demo):
    at_station = sampling_form.build(demo)
    assert re.search(r"生产单位确认\s+/", line_with(at_station, "生产单位确认"))
    producer = replace(demo.visit.party, scope=Scope.PRODUCER)
    at_producer = sampling_form.build(replace(demo, visit=replace(demo.visit, party=producer)))
    assert "生产单位对上述内容无异议，签字（盖章）" in text_of(at_producer)
    assert "生产单位对上述内容无异议" in text_of(sampling_form.build(DocumentContext.blank_form()))


def test_record_made_before_product_fields_prints_its_fuel_details(demo):
    old = replace(demo.visit.sample, product_fields={}, fuel_grade="95#", tank_no="1号罐", pump_no="2号加油机",
                  purchase_date="2022-10-01", supplier="某油库")
    pdf = sampling_form.build(replace(demo, visit=replace(demo.visit, sample=old)))
    assert row(pdf, "油品牌号") == "油品牌号95#油罐号1号罐"
    assert row(pdf, "进货日期") == "加油机编号2号加油机进货日期2022年10月1日"
    assert row(pdf, "供货单位") == "供货单位某油库"


# ---- inspection notice -----------------------------------------------------

def test_notice_cites_the_real_notice_and_its_basis_and_validity(demo):
    pdf = inspection_notice.build(demo)
    text = text_of(pdf)
    assert "和《山西省市场监督管理局关于做好2022年第四批产品质量监督抽查工作的通知》（晋市监函〔2022〕279号）" in text
    for basis in ("《中华人民共和国产品质量法》", "《产品质量监督抽查管理暂行办法》",
                  "《山西省市场监督管理局产品质量监督抽查工作规范（试行）》",
                  "《电池、储热式电热暖手器、食品接触用纸制品、车用油品、羽绒服装等21种产品质量监督抽查实施细则》"):
        assert compact(basis) in text, basis
    assert "有效期2022年10月12日至2022年10月31日" in text


def test_notice_prints_the_provinces_notice_number_not_the_record_number(demo):
    assert "编号：晋市监抽〔2022〕4-0018号" in text_of(inspection_notice.build(demo))
    older = replace(demo, task=replace(demo.task, notice_no=""))     # a task from a server that gave none
    head = line_with(inspection_notice.build(older), "抽样单编号")
    assert head.count(demo.record_no) == 1 and re.search(r"编号：_{10,}", head), head


def test_notice_has_no_stray_spaces_and_no_repeated_labels(demo):
    raw = "".join(pdftotext(inspection_notice.build(demo)).splitlines())
    assert "销售的车用汽油进行" in raw and "由山西省检验检测中心承担" in raw
    assert "山西省市场监督管理局和山西省" not in raw and "管理局《山西省市场监督管理局" not in raw
    text = compact(raw)
    assert "抽样人员证件号" not in text and "李明（证件号：晋抽2022-0153）" in text
    assert text.count("电话：0351-8888000") == 1 and "监督电话：0351-8888000" in text


# ---- refusal form ----------------------------------------------------------

def test_refusal_form_has_contact_witness_boxes_copies_and_its_own_number(demo):
    ctx = demo_refusal_context(demo)
    text = text_of(refusal_form.build(ctx))
    assert "联系人周丽华" in text and "联系电话0351-4123456" in text
    assert "姓名：郭建平" in text and "单位：太原市迎泽区市场监督管理局" in text and "见证人签字" in text
    assert "抽样人员签字" in text and "受检单位负责人签字" in text and "受检单位盖章" in text
    assert compact(refusal_form.COPIES) in text and "一式三份" in text
    assert f"编号：{RECORD_NO}-JJ" in text and f"抽样单编号：{RECORD_NO}" in text


def test_refusal_evidence_counts_agree(demo):
    ctx = demo_refusal_context(demo)
    text = text_of(refusal_form.build(ctx))
    assert "现场照片4张、录像1段" in text                    # what the samplers wrote
    assert "随附拒检证据5个（照片4张、录像1段）" in text       # what the record holds
    # the count follows the record, not a number typed somewhere
    fewer = replace(ctx.visit, evidence=ctx.visit.evidence[:2])
    assert "随附拒检证据2个（照片2张）" in text_of(refusal_form.build(replace(ctx, visit=fewer)))


# ---- storage notice --------------------------------------------------------

def test_storage_notice_acknowledgement_form_number_and_agency_boxes(demo):
    text = text_of(storage_notice.build(demo))
    assert compact(storage_notice.ACKNOWLEDGEMENT) in text
    assert f"抽样单编号：{RECORD_NO}" in text and f"详见编号为{RECORD_NO}的抽样单" in text
    assert "承检单位负责人签字" in text and "山西省检验检测中心（盖章）" in text


# ---- feedback form ---------------------------------------------------------

def test_feedback_form_rating_integrity_questions_and_representative_line(demo):
    text = text_of(feedback_form.build(demo))
    assert "总体评价□非常满意□满意□不满意" in text
    for question in feedback_form.INTEGRITY:
        assert compact(question) in text
    assert "受检单位负责人签字" in text and "受检单位盖章" in text
    assert "周丽华" not in text          # the party fills it in later, on its own


# ---- payment slip ----------------------------------------------------------

def test_payment_slip_invoice_unit_price_basis_and_dates(demo):
    pdf = payment_slip.build(demo)
    text = text_of(pdf)
    assert row(pdf, "发票号").startswith("发票号1400122400381567开票单位太原市晋安石油化工销售有限公司")
    assert row(pdf, "数量") == "数量2L单价8.39元/L"
    assert row(pdf, "■按受检单位标价") == "■按受检单位标价□无标价，按同类产品市场价"
    assert "价格说明：加油机显示标价" in text
    assert row(pdf, "生产日期/批号") == "生产日期/批号2022年10月6日/进货批次20221008-03" and "2022-10-06" not in text


def test_payment_slip_without_invoice_says_so_and_per_piece_prices(demo):
    pay = replace(demo.visit.payment, invoice_no="", invoice_issuer="")
    sample = replace(demo.visit.sample, unit="件", unit_price=demo.visit.sample.unit_price)
    pdf = payment_slip.build(replace(demo, visit=replace(demo.visit, payment=pay, sample=sample)))
    assert row(pdf, "发票号") == "发票号未开具发票开票单位/" and row(pdf, "数量") == "数量2件单价8.39元/件"


# ---- seal labels -----------------------------------------------------------

def test_small_label_signature_boxes_are_big_enough_to_sign():
    for size in (seal_labels.LABEL_70x50, seal_labels.LABEL_100x70):
        captions, w, h = seal_labels.signature_boxes(size)
        assert w >= 30 * mm and h >= 10 * mm, size.name
        assert w * len(captions) <= size.width - 2 * seal_labels.BORDER_INSET
    assert seal_labels.signature_boxes(seal_labels.LABEL_70x50)[0] == ["抽样人员签字（二人）", "受检单位签字"]


def test_small_label_text_has_both_signature_boxes(demo):
    text = text_of(seal_labels.build(demo, seal_labels.LABEL_70x50))
    assert "抽样人员签字（二人）" in text and "受检单位签字" in text


def _dark_columns(img: Image.Image, x0: int, x1: int, y0: int, y1: int) -> list[int]:
    gray = img.convert("L")
    return [x for x in range(x0, x1) if sum(gray.getpixel((x, y)) < 128 for y in range(y0, y1)) > (y1 - y0) // 4]


def _render(pdf: bytes, tmp_path, dpi: int, page: int = 1) -> Image.Image:
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(src), str(tmp_path / "out")], check=True)
    return Image.open(tmp_path / "out.png")


def test_label_border_keeps_2mm_off_the_edge(demo, tmp_path):
    dpi = 300
    img = _render(seal_labels.build(demo, seal_labels.LABEL_70x50), tmp_path, dpi)
    px = dpi / 25.4
    mid = img.height // 2
    first = _dark_columns(img, 0, int(6 * px), mid - int(5 * px), mid + int(5 * px))[0]
    assert first >= 2 * px - 1, f"border {first / px:.2f} mm from the edge"


def test_paper_fallback_text_stays_inside_its_box(tmp_path):
    pdf = seal_labels.build(DocumentContext.blank_form(), seal_labels.LABEL_70x50)
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = [(float(a), float(b), w) for a, b, w in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)<', out)]
    box_x0 = 70 * mm - seal_labels.MARGIN - seal_labels.QR_SIZE
    box_x1 = 70 * mm - seal_labels.MARGIN
    inside = [w for w in words if "纸质封条" in w[2] or "无二维码" in w[2]]
    assert len(inside) == 2
    assert all(box_x0 <= x0 and x1 <= box_x1 for x0, x1, _ in inside)


def test_a4_sheet_has_one_cut_line_between_labels(demo, tmp_path):
    dpi = 200
    img = _render(seal_labels.build(demo, seal_labels.A4_SHEET), tmp_path, dpi)
    px = dpi / 25.4
    center = img.width // 2                  # the edge the two columns share
    y0, y1 = int(40 * px), int(100 * px)     # along the first row of labels
    cols = _dark_columns(img, center - int(1.9 * px), center + int(1.9 * px), y0, y1)
    runs = [c for i, c in enumerate(cols) if i == 0 or c != cols[i - 1] + 1]
    assert len(runs) == 1, f"{len(runs)} lines near the shared edge"


# ---- problem report, no-sample statement, demo agreement ----------------------

def test_demo_problem_report_agrees_with_the_sampling_form(demo):
    form = text_of(sampling_form.build(demo))
    report = text_of(problem_report.build(demo_problem_context(demo)))
    assert "成品油零售经营批准证书" in form                  # the station showed its permit
    assert "未能出示成品油零售经营批准证书" not in report and "危险化学品经营许可证" in report
    assert "随附问题证据4个" in report and "许可证照片1张，站房及储罐区照片3张" in report


def test_no_sample_statement_fields(demo):
    ctx = demo_no_sample_context(demo)
    text = text_of(no_sample_statement.build(ctx))
    assert "□倒闭□注销□停产□转产□全部用于出口■无该产品库存□其他" in text
    assert "罐存量为零" in text and "随附证据3个（照片3张）" in text
    assert "部门：太原市迎泽区市场监督管理局" in text and "（公章）" in text
    assert "抽样人员签字" in text and "姓名：李明" in text and "姓名：赵晓燕" in text and "姓名：周丽华" in text
    assert compact(no_sample_statement.COPIES) in text and f"编号：{RECORD_NO}-WC" in text


def test_no_sample_statement_records_the_partys_refusal_to_sign(demo):
    from app.domain.visit import SignerRole, SignRefusal
    ctx = demo_no_sample_context(demo)
    v = replace(ctx.visit, signatures=[s for s in ctx.visit.signatures if s.role != SignerRole.PARTY],
                sign_refusal=SignRefusal("负责人拒绝在说明上签字", "郭建平", "1401**********0011"))
    text = text_of(no_sample_statement.build(replace(ctx, visit=v)))
    assert "负责人拒绝在说明上签字" in text and "姓名：郭建平" in text and "见证人签字" in text
    assert "姓名：周丽华" not in text


@pytest.mark.parametrize("build", [sampling_form.build, inspection_notice.build, storage_notice.build,
                                   payment_slip.build, feedback_form.build])
def test_demo_documents_name_the_same_record_and_party(build, demo):
    text = text_of(build(demo))
    assert RECORD_NO in text and "太原市晋安石油化工销售有限公司迎泽大街第十八加油站" in text


def test_rendered_pages_are_a4(demo, tmp_path):
    img = _render(no_sample_statement.build(demo_no_sample_context(demo)), tmp_path, 50)
    assert abs(img.width / img.height - 210 / 297) < 0.01
