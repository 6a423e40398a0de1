"""产品质量监督抽查拒检认定表 (refusal determination): facts and evidence
of a refusal, determined jointly with the county bureau and reported to
the province."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain import labels
from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import EvidenceCategory, SignerRole
from forms.common import BLANK_DATE, fmt_date, fmt_time, or_blank, sampler_sign_row, signer_box
from forms.context import DocumentContext
from forms.layout import Cell, Doc, L, V, checks

TITLE = REGISTRY[DocumentKind.REFUSAL_FORM].title
SITUATIONS = labels.REFUSAL_SITUATION


COPIES = ("本表一式三份：第一份报送省局（下达任务部门），第二份交受检单位所在地县级市场监管部门（后处理部门），"
          "第三份由承检机构（抽样单位）存档。")


def form_no(ctx: DocumentContext) -> str:
    """The refusal form's own number (拒检认定表编号), derived from the record."""
    return f"{ctx.record_no}-JJ" if ctx.record_no else ""


def evidence_text(ctx: DocumentContext) -> str:
    """The written note and the evidence the record holds, counted the same
    way the record counts them (refusal evidence only)."""
    v, r = ctx.visit, ctx.visit.refusal
    items = v.live_evidence(EvidenceCategory.REFUSAL)
    text = r.evidence_note if r is not None else ""
    if items:
        videos = sum(1 for e in items if e.media.startswith("video/"))
        photos = len(items) - videos
        parts = [f"照片 {photos} 张"] if photos else []
        parts += [f"录像 {videos} 段"] if videos else []
        text += f"\n随附拒检证据 {len(items)} 个（{'、'.join(parts)}），文件 SHA-256 见抽样记录"
    return text.strip()


def build(ctx: DocumentContext) -> bytes:
    v, r = ctx.visit, ctx.visit.refusal
    p = v.party
    doc = Doc(TITLE, form_no(ctx))
    doc.title(TITLE, size=18, gap=3 * mm)
    doc.line(left=f"抽查任务：{or_blank(ctx.task_source)}", right=f"编号：{or_blank(form_no(ctx))}")
    doc.line(left=f"抽样单编号：{or_blank(ctx.record_no)}")
    doc.space(1 * mm)
    filled = r is not None and not ctx.blank
    situation = checks(list(SITUATIONS.values()), SITUATIONS[r.situation] if filled else None)
    h = 20 * mm
    bureau_box = Cell(span=10, draw=signer_box(ctx, "认定人签字："), min_h=22 * mm)
    stamp_box = Cell(span=10, draw=signer_box(ctx, "县级市场监管部门（盖章）：", with_date=True), min_h=22 * mm)
    witness = next(iter(ctx.signatures(SignerRole.WITNESS)), None)
    party_sig = next(iter(ctx.signatures(SignerRole.PARTY)), None)
    rows = [[L("受检单位", 4), V(p.name, 20)],
            [L("地址", 4), V(p.address, 12), L("法定代表人", 4), V(p.legal_representative, 4)],
            [L("联系人", 4), V(p.contact, 8), L("联系电话", 4), V(p.phone, 8)],
            [L("拒检时间", 4), V(fmt_time(r.occurred_at) if filled else fmt_time(None), 8),
             L("拒检地点", 4), V(r.place if filled else "", 8)],
            [L("涉及产品", 4), V(r.products if filled else "", 20)],
            [L("拒检情形", 4), V(situation, 20)],
            [L("事实经过", 4), V(r.facts if filled else "", 20, min_h=30 * mm)],
            [L("证据", 4), V(evidence_text(ctx) if filled else "", 20, min_h=14 * mm)],
            [L("见证人", 4, min_h=h), V(f"姓名：{r.witness_name if filled else ''}\n"
                                        f"单位：{r.witness_unit if filled else ''}", 8, min_h=h),
             Cell(span=12, draw=signer_box(ctx, "见证人签字：", witness), min_h=h)],
            sampler_sign_row(ctx, h=h),
            [L("受检单位\n签字（盖章）", 4, min_h=h),
             Cell(span=10, draw=signer_box(ctx, "受检单位负责人签字：", party_sig), min_h=h),
             Cell(span=10, draw=signer_box(ctx, "受检单位盖章：", with_date=False), min_h=h)],
            [L("县级市场\n监管部门\n认定意见", 4),
             V(("认定部门：" + r.county_bureau + "\n" if filled and r.county_bureau else "") + "认定意见：", 20,
               min_h=26 * mm)],
            [L("认定", 4, min_h=22 * mm), bureau_box, stamp_box],
            [L("报送省局", 4), V(checks(["已报送"], "已报送" if filled and r.reported_to_province else None)
                                 + f"    报送日期：{fmt_date(r.occurred_at) if filled and r.reported_to_province else BLANK_DATE}", 20)]]
    doc.table(rows, min_row=8 * mm)
    doc.space(2 * mm)
    doc.para(COPIES, size=9, gap=0.8 * mm)
    doc.para("注：被抽样生产者、销售者以明显不合理的样品价格等方式阻碍、拒绝或者不配合抽样的，抽样人员如实记录，"
             "与其所在地县级市场监督管理部门共同认定，同时报送省局，以拒检不合格向社会公布。", size=9)
    return doc.finish()
