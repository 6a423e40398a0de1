"""产品质量监督抽查/复查抽样单 (sampling form): the main record of a sampled
batch, with every signer's box, the record's canonical hash and a QR of the
record id and hash."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.plan import Scope
from app.domain.product_fields import printable
from app.domain.visit import SampleKind
from forms import qr
from forms.common import (KIND_ZH, PRICE_BASIS_ZH, fmt_date, num, or_blank, party_rows, party_sign_rows,
                          sampler_sign_row, scope_checks, signer_box)
from forms.context import DocumentContext
from forms.layout import Cell, Doc, H, L, V, checks, draw_image

TITLE = REGISTRY[DocumentKind.SAMPLING_FORM].title
QR_BOX = 24 * mm
# 一式三联 and who keeps which (the national template's practice; the Shanxi
# notice names the form, not its copies).
COPIES = "本抽样单一式三联：第一联承检机构留存，第二联受检单位留存，第三联随样品交检验机构。"
SEAL_HASH_CHARS = 16                 # the hash prefix each seal QR carries (seal_payload)


def record_qr_text(ctx: DocumentContext) -> str:
    """What the form's QR carries: record id and canonical hash."""
    return f"FSR1:{ctx.visit.id}:{ctx.visit.record_hash}"


def _header(doc: Doc, ctx: DocumentContext) -> None:
    v = ctx.visit
    top = doc.y
    if ctx.record_qr and v.record_hash and not ctx.blank:
        qr.draw(doc.c, record_qr_text(ctx), doc.x1 - QR_BOX, top - QR_BOX, QR_BOX, dpi=600)
    doc.title(TITLE, size=17, gap=3 * mm)
    kind = None if ctx.blank else ctx.task_kind
    doc.line(f"任务来源：{ctx.task_source}")
    doc.line(f"任务类别：{checks(['监督抽查', '复查'], kind)}")
    doc.line(f"编号：{or_blank(ctx.record_no)}")
    doc.y = min(doc.y, top - QR_BOX) - 1.5 * mm


def seal_hash_prefix(ctx: DocumentContext) -> str:
    """What each seal's QR vouches for (the first 16 hex digits of the
    sealing hash): printed beside every seal number, so the paper form and
    the seal labels can be matched without a scanner."""
    v = ctx.visit
    return (v.sealing_hash or v.record_hash)[:SEAL_HASH_CHARS]


def _seal_text(ctx: DocumentContext) -> str:
    if ctx.blank:
        return "检验样品封条编号：\n备用样品封条编号：\n检验样品和备用样品 □一次性抽样、分别封样"
    parts = []
    prefix = seal_hash_prefix(ctx)
    for kind in (SampleKind.TEST, SampleKind.BACKUP):
        nos = [s.seal_no for s in ctx.seals() if s.kind == kind and not s.on_site_storage]
        stored = [s.seal_no for s in ctx.seals() if s.kind == kind and s.on_site_storage]
        if nos:
            parts.append(f"{KIND_ZH[kind]}封条编号：{'、'.join(f'{n}［{prefix}］' for n in nos)}（共{len(nos)}件）")
        if stored:
            parts.append(f"封存标识编号：{'、'.join(f'{n}［{prefix}］' for n in stored)}")
    parts.append("检验样品和备用样品 ■一次性抽样、分别封样")
    if prefix:
        parts.append(f"［ ］内为封条二维码所含封样哈希前{SEAL_HASH_CHARS}位")
    return "\n".join(parts)


def _storage_text(ctx: DocumentContext) -> str:
    b = ctx.visit.backup_storage
    if ctx.blank:
        return checks(["随样携带", "封存于受检单位"], None) + "    省局批准文号："
    text = checks(["随样携带", "封存于受检单位"], "封存于受检单位" if b.on_site else "随样携带")
    if b.on_site:
        text += f"    省局批准文号：{b.approval_no}\n封存地点：{b.location}"
    return text


def _sample_rows(ctx: DocumentContext) -> list[list[Cell]]:
    s = ctx.visit.sample
    u = s.unit
    price = ""
    if s.unit_price is not None:
        price = f"{s.unit_price} 元/{u}" + (f"（{PRICE_BASIS_ZH[s.price_basis]}）" if s.price_basis else "")
    rows = [[H("三、样品信息")],
            [L("产品名称", 4), V(ctx.product, 8), L("商标", 4), V(s.trademark, 8)],
            [L("规格型号", 4), V(s.spec_model, 8), L("质量等级", 4), V(s.quality_grade, 8)],
            [L("生产日期", 4), V(fmt_date(s.production_date) if s.production_date else "", 8),
             L("批号", 4), V(s.batch_no, 8)],
            [L("执行标准", 4), V(s.standard, 8), L("单价", 4), V(price, 8)],
            [L("抽样基数", 4), V(num(s.base_quantity, u), 4), L("检验样品数量", 4), V(num(s.test_quantity, u), 4),
             L("备用样品数量", 4), V(num(s.backup_quantity, u), 4)],
            [L("样品状态", 4), V(s.sample_state, 20)]]
    return rows + _product_rows(ctx)


def _product_rows(ctx: DocumentContext) -> list[list[Cell]]:
    """The product-specific fields of the product's rule (牌号, 标准阶段,
    含绒量…), two to a row; a blank form leaves lines to fill in by hand."""
    s = ctx.visit.sample
    if ctx.blank:
        return [[L("产品专项信息\n（按实施细则）", 4, min_h=14 * mm), V("", 20)]]
    pairs = printable(ctx.rule, s.product_fields, fmt_date)
    if not s.product_fields and any((s.fuel_grade, s.tank_no, s.pump_no, s.purchase_date, s.supplier)):
        # a record made before product fields existed prints what it holds
        pairs = [("油品牌号", s.fuel_grade), ("油罐号", s.tank_no), ("加油机编号", s.pump_no),
                 ("进货日期", fmt_date(s.purchase_date) if s.purchase_date else ""), ("供货单位", s.supplier)]
    rows = []
    for i in range(0, len(pairs), 2):
        (l1, v1), *rest = pairs[i:i + 2]
        if rest:
            (l2, v2), = rest
            rows.append([L(l1, 4), V(v1, 8), L(l2, 4), V(v2, 8)])
        else:
            rows.append([L(l1, 4), V(v1, 20)])
    return rows


def _sampling_rows(ctx: DocumentContext) -> list[list[Cell]]:
    v, s, a = ctx.visit, ctx.visit.sample, ctx.agency
    sampled_on = "" if ctx.blank else fmt_date(v.started_at)
    return [[H("四、抽样情况")],
            [L("抽样地点", 4), V(s.sampling_place, 8), L("抽样日期", 4), V(sampled_on, 8)],
            [L("抽样方法", 4), V(s.sampling_method, 20)],
            [L("封样情况", 4), V(_seal_text(ctx), 20)],
            [L("备用样品存放", 4), V(_storage_text(ctx), 20)],
            [L("样品寄送方式", 4), V("" if ctx.blank else s.shipping_method, 20)],
            [H("五、承检机构")],
            [L("名称", 4), V(a.name, 8), L("联系人", 4), V(a.contact, 8)],
            [L("地址", 4), V(a.address, 8), L("电话", 4), V(a.phone, 8)]]


def samplers_text(ctx: DocumentContext) -> str:
    """The samplers present, one a line with the certificate number; one who
    joined on site (not on the task's team) is marked so the lab can tell."""
    if ctx.blank:
        return "\n"
    return "\n".join(f"{m.name}（证件编号：{m.certificate_no}{'，现场添加' if m.added_on_site else ''}）"
                     for m in ctx.visit.present_team())


def _amendment_rows(ctx: DocumentContext) -> list[list[Cell]]:
    rows = [[H("更正/补充（须经受检单位签名或盖章确认）")],
            [L("序号", 2), L("更正/补充内容及原因", 14), L("受检单位确认", 8)]]
    items = ctx.visit.amendments or [None, None]
    for i, a in enumerate(items, 1):
        if a is None:
            rows.append([V("", 2), V("", 14), V("", 8)])
            continue
        png = ctx.signature_images.get(a.party_signature_sha256)
        text = f"{a.path}：“{a.old_value}” 更正为 “{a.new_value}”；原因：{a.reason}"

        def draw(c, x, y, w, h, png=png):
            if png:
                draw_image(c, png, x + 1 * mm, y + 1 * mm, w - 2 * mm, h - 2 * mm)
        rows.append([V(str(i), 2, align="center"), V(text, 14), Cell(span=8, draw=draw, min_h=12 * mm)])
    return rows


def _hash_rows(ctx: DocumentContext) -> list[list[Cell]]:
    h = ctx.visit.record_hash
    # A copy printed before 完成 has no hash yet: it says how to check the
    # signed record later instead of leaving the box empty.
    text = (f"SHA-256：{h}\n记录 ID：{ctx.visit.id}（签署后记录冻结，更正以补充记录链接至此哈希）"
            if h else f"签署前打印件，尚无记录哈希（在“完成”签署时生成）。受检单位可凭抽样单编号 {ctx.record_no} "
                      f"向承检机构或省局核对签署后的记录及其哈希。")
    return [[L("记录哈希", 4), V("" if ctx.blank else text, 20, size=8.5)]]


def _producer_rows(ctx: DocumentContext, h: float) -> list[list[Cell]]:
    """生产单位 confirmation: sampling at a producer, the producer confirms
    the form (signature or stamp); at a seller or gas station it does not
    apply and is struck."""
    if ctx.blank or ctx.visit.party.scope == Scope.PRODUCER:
        return [[L("生产单位确认", 4, min_h=h),
                 Cell(span=20, draw=signer_box(ctx, "生产单位对上述内容无异议，签字（盖章）："), min_h=h)]]
    return [[L("生产单位确认", 4), V("", 20)]]


def build(ctx: DocumentContext) -> bytes:
    doc = Doc(TITLE, ctx.record_no, size=9.5)
    _header(doc, ctx)
    v = ctx.visit
    p = v.party
    rows = [[H("一、受检单位")], *party_rows(ctx),
            [L("生产许可证编号", 4), V(p.production_licence_no, 8), L("CCC 证书编号", 5), V(p.ccc_certificate_no, 7)],
            [L("企业规模", 4), V(p.scale, 8), L("抽样领域", 5), V(scope_checks(ctx), 7)],
            [L("经济类型", 4), V(p.economic_type, 20)],
            [H("二、生产单位（标称生产者）")],
            [L("名称", 4), V(v.producer.name, 20)],
            [L("地址", 4), V(v.producer.address, 9), L("联系人", 3), V(v.producer.contact, 2),
             L("电话", 2), V(v.producer.phone, 4)],
            *_sample_rows(ctx), *_sampling_rows(ctx),
            [H("六、签字确认（抽样人员和受检单位对以上内容及样品、封样予以确认）")],
            [L("抽样人员", 4), V(samplers_text(ctx), 20)],
            sampler_sign_row(ctx, h=20 * mm),
            *party_sign_rows(ctx, h=20 * mm),
            *_producer_rows(ctx, 16 * mm),
            [L("备注", 4), V(v.remarks, 20)],
            *_hash_rows(ctx)]
    # filled in on site: what does not apply is struck with "/"
    doc.table(rows, min_row=6.5 * mm, strike_empty=not ctx.blank)
    doc.table(_amendment_rows(ctx), min_row=6.5 * mm)
    doc.space(1.5 * mm)
    doc.para(COPIES, size=9)
    return doc.finish()

