"""产品质量监督抽查样品封存和处置告知单 (storage notice): issued when the
backup sample is left sealed at the party with the province's approval."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import EvidenceCategory, SampleKind, SignerRole
from forms.common import BLANK_DATE, fmt_date, num, or_blank, sampler_sign_row, signer_box
from forms.context import DocumentContext
from forms.layout import Cell, Doc, L, V

TITLE = REGISTRY[DocumentKind.STORAGE_NOTICE].title

DUTIES = [
    "妥善保管封存的备用样品，保持封条、封存标识完好，不得擅自启封、调换、转移、销售或者使用。",
    "封存样品应存放在监控摄像头可以覆盖并监控到的区域，保存监控记录至检验结果异议期满。",
    "发现封条或封存标识破损、样品异常的，应立即告知承检机构和所在地市场监督管理部门。",
    "需要复检时，凭承检机构通知配合提取封存的备用样品。",
]
ACKNOWLEDGEMENT = "我单位已悉知所通知内容，并将按通知内容执行。"
COPIES = "本告知单一式两份，受检单位和承检机构各执一份。"
DISPOSAL = ("检验结果合格的，异议期满后由承检机构通知解除封存，样品退还受检单位；检验结果不合格的，"
            "异议期满后交由负责结果处理的市场监督管理部门依法处理。")


def build(ctx: DocumentContext) -> bytes:
    v, s, b = ctx.visit, ctx.visit.sample, ctx.visit.backup_storage
    doc = Doc(TITLE, form_no(ctx))
    doc.title(TITLE, size=17, gap=3 * mm)
    doc.line(left=f"抽样单编号：{or_blank(ctx.record_no)}", right=f"编号：{or_blank(form_no(ctx))}")
    doc.space(2 * mm)
    doc.para(f"{v.party.name or '____________________________________'}：", size=11)
    doc.para(f"经{ctx.authority.name}批准（批准文号：{b.approval_no or '__________________'}），"
             f"本次产品质量监督抽查的备用样品（详见编号为{ctx.record_no or '__________________'}的抽样单）"
             f"因不易运输等原因封存于你单位。现将封存和处置有关事项告知如下：", size=11, first=22)
    backup = [x for x in ctx.seals() if x.kind == SampleKind.BACKUP]
    sealed_at = next((x.sealed_at for x in backup if x.sealed_at), None)
    photos = len(v.live_evidence(EvidenceCategory.ON_SITE_STORAGE)) + len(v.live_evidence(EvidenceCategory.SEALED))
    state = ""
    if not ctx.blank:
        state = (f"封条 {'、'.join(x.seal_no for x in backup) or '—'}，包装箱/包装物开口处已加施封存标识；"
                 f"已拍照/录像记录封存状态（{photos} 个文件）")
        if b.camera_covered:
            state += "；封存区域在监控摄像头覆盖范围内"
    rows = [[L("受检单位", 4), V(v.party.name, 20)],
            [L("产品名称", 4), V(ctx.product, 8), L("规格型号", 4), V(s.spec_model, 8)],
            [L("批号", 4), V(s.batch_no, 8), L("封存数量", 4), V(num(s.backup_quantity, s.unit), 8)],
            [L("封存地点", 4), V(b.location, 20)],
            [L("封存日期", 4), V(BLANK_DATE if ctx.blank else fmt_date(sealed_at), 8),
             L("省局批准文号", 4), V(b.approval_no, 8)],
            [L("封存状态", 4), V(state, 20, min_h=14 * mm)]]
    doc.table(rows, min_row=8 * mm)
    doc.space(3 * mm)
    doc.para("受检单位应当履行以下义务：", size=11, gap=0.5 * mm)
    for i, t in enumerate(DUTIES, 1):
        doc.para(f"{i}. {t}", size=10, indent=4 * mm, gap=0.5 * mm)
    doc.space(1.5 * mm)
    doc.para("处置方式：", size=11, gap=0.5 * mm)
    doc.para(DISPOSAL, size=10, indent=4 * mm)
    doc.space(2 * mm)
    h = 22 * mm
    party_sig = next(iter(ctx.signatures(SignerRole.PARTY)), None)
    doc.table([sampler_sign_row(ctx, h=h),
               [L("受检单位\n签字（盖章）", 4, min_h=h),
                Cell(span=20, draw=signer_box(ctx, ACKNOWLEDGEMENT + "  签字（盖章）：", party_sig), min_h=h)],
               [L("承检单位\n签字（盖章）", 4, min_h=h),
                Cell(span=10, draw=signer_box(ctx, "承检单位负责人签字："), min_h=h),
                Cell(span=10, draw=signer_box(ctx, f"{ctx.agency.name or '承检单位'}（盖章）："), min_h=h)]])
    doc.space(2 * mm)
    doc.para(COPIES, size=9)
    return doc.finish()


def form_no(ctx: DocumentContext) -> str:
    """The notice's own number, derived from the record."""
    return f"{ctx.record_no}-FC" if ctx.record_no else ""
