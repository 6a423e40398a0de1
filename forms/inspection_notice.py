"""产品质量监督抽查通知书 (inspection notice): shown on arrival and left
with the party."""
from __future__ import annotations

from reportlab.lib.units import mm

from app.domain.documents import REGISTRY, DocumentKind
from app.domain.visit import SignerRole
from forms.common import BLANK_DATE, fmt_date, or_blank, signer_box
from forms.context import DocumentContext
from forms.layout import Cell, Doc, L, V

TITLE = REGISTRY[DocumentKind.INSPECTION_NOTICE].title

DUTIES = [
    "依法接受并配合监督抽查工作，如实提供监督抽查所需的材料和信息（营业执照、许可证、进货凭证、库存数量等），不得以任何方式阻碍、拒绝监督抽查。",
    "在抽样单、付费单、封条等抽样文书上签字或盖章确认；对抽样文书的更正或补充，在更正或补充处签名、盖章确认。",
    "备用样品由受检单位先行无偿提供；经省局批准封存于受检单位的备用样品，应妥善保管，不得擅自启封、转移、销售或使用。",
]
RIGHTS = [
    "检验样品由抽样人员按标价（无标价的按同类产品市场价格）购买；本次监督抽查所需样品的抽取、购买、运输、检验、处置以及复查等费用由财政划拨，不向受检单位收取任何费用。",
    "有权查验抽样人员的身份证明、本通知书和授权委托书复印件；抽样人员少于 2 人或不能出示上述文件的，有权拒绝抽样。",
    "对检验结论有异议的，可以自收到检验结果之日起 15 日内，向组织监督抽查的市场监督管理部门提出书面复检申请。",
    "对抽样人员违反工作纪律的行为，可以通过《工作质量及工作纪律反馈单》或投诉电话反映。",
]


def _cited_notice(ctx: DocumentContext) -> str:
    """The plan's notice by its real title and number."""
    n = ctx.plan_notice
    if n is not None and n.title:
        return f"《{n.title}》（{n.document_no}）"
    if ctx.plan is not None:
        return f"{ctx.authority.name}《{ctx.plan.title}》（{ctx.plan.document_no}）"
    return f"{ctx.authority.name}年度产品质量监督抽查计划"


def validity(ctx: DocumentContext) -> str:
    """有效期: from the day the notice is issued on site to the task's due date."""
    if ctx.blank or ctx.notice_valid_until is None:
        return f"{BLANK_DATE}至{BLANK_DATE}"
    return f"{fmt_date(ctx.visit.started_at)}至{fmt_date(ctx.notice_valid_until)}"


def build(ctx: DocumentContext) -> bytes:
    v, a, auth = ctx.visit, ctx.agency, ctx.authority
    doc = Doc(TITLE, ctx.record_no)
    doc.title(TITLE, size=20, gap=3 * mm)
    doc.line(left=f"抽样单编号：{or_blank(ctx.record_no)}", right=f"编号：{or_blank(ctx.notice_number)}")
    doc.space(2 * mm)
    party = v.party.name or "____________________________________"
    doc.para(f"{party}：", size=11)
    product = ctx.product or "__________"
    doc.para(f"根据《中华人民共和国产品质量法》《产品质量监督抽查管理暂行办法》和{_cited_notice(ctx)}"
             f"的安排，{auth.name}组织对你单位生产、销售的{product}进行产品质量监督抽查，由{a.name or '__________'}"
             f"承担抽样和检验工作。现派抽样人员前往你单位抽取样品，请予以配合。", size=11, first=22)
    team = v.present_team()
    people = "\n".join(f"{m.name}（证件号：{m.certificate_no}）" for m in team) or "\n\n"
    rows = [[L("受检单位名称", 5), V(v.party.name, 19)],
            [L("抽查产品", 5), V(ctx.product, 19)],
            [L("抽查依据", 5), V("\n".join(ctx.basis_documents), 19)],
            [L("抽查机构", 5), V(auth.name, 19)],
            [L("承检机构", 5), V(a.name, 9), L("联系人", 4), V(a.contact, 6)],
            [L("承检机构地址", 5), V(a.address, 9), L("联系电话", 4), V(a.phone, 6)],
            [L("抽样人员", 5), V(people, 19)],
            [L("有效期", 5), V(validity(ctx), 19)]]
    doc.table(rows, min_row=7 * mm)
    doc.space(2 * mm)
    doc.para("受检单位的义务：", size=11, gap=0.5 * mm)
    for i, t in enumerate(DUTIES, 1):
        doc.para(f"{i}. {t}", size=9.5, first=0, indent=4 * mm, gap=0.3 * mm)
    doc.space(1.5 * mm)
    doc.para("受检单位的权利：", size=11, gap=0.5 * mm)
    for i, t in enumerate(RIGHTS, 1):
        doc.para(f"{i}. {t}", size=9.5, indent=4 * mm, gap=0.3 * mm)
    doc.space(1.5 * mm)
    contact = f"监督电话：{auth.phone or '__________'}（{auth.name}{auth.department}）；投诉举报电话：{auth.complaint_phone}"
    if auth.address:
        contact += f"；地址：{auth.address}"
    doc.para(contact + "。", size=9.5)
    doc.ensure(35 * mm)           # the signature block stays together
    doc.space(2 * mm)
    issued = BLANK_DATE if ctx.blank else fmt_date(v.started_at)
    doc.line(right=f"{auth.name}（盖章）", size=11)
    doc.space(1.5 * mm)
    doc.line(right=issued, size=11)
    doc.space(2 * mm)
    party_sig = next(iter(ctx.signatures(SignerRole.PARTY)), None)
    doc.table([[L("受检单位签收", 5, min_h=18 * mm),
                Cell(span=19, draw=signer_box(ctx, "签收人签字：", party_sig), min_h=18 * mm)]])
    return doc.finish()
