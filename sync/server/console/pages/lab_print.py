"""The lab's printed documents, assembled from the stored record and the
lab's rows: rejection letter and improvement advice (official documents,
built like the record's other documents), custody sheet (a tester's copy
names only the blind code), disposal report per plan."""
from __future__ import annotations

from datetime import date

from fastapi import Request
from sqlalchemy import select

from app.domain.entities import Agency as DomainAgency
from app.domain.i18n import tr
from app.domain.lab_rules import Conclusion
from app.domain.visit import Visit
from app.domain.documents import DocumentKind
from forms import custody_sheet, disposal_report
from forms import documents as registry
from forms.context import DocumentContext, ImprovementAdvice, Rejection
from sync.server.auth.models import Agency
from sync.server.console.pages import lab_common as lc
from sync.server.lab import custody, disposal, receipt, records, results
from sync.server.lab.models import BlindSample, LabSample
from sync.server.plan.models import Plan
from sync.server.records import documents, inspect
from sync.server.records.models import Record

ZH = "zh_CN"          # official documents print in Chinese


def _context(session, request: Request, rec: Record):
    view = inspect.view(session=session, record=rec)
    if view.visit is None:
        raise lc.not_found()
    return documents.context(session=session, view=view, blobs=request.app.state.blobs)


def rejection_pdf(session, request: Request, *, sample: LabSample) -> bytes:
    rec = session.get(Record, sample.record_id) if sample.record_id else None
    if rec is not None:
        ctx = _context(session, request, rec)
    else:                         # record pending: the letter names what the seal says
        agency = session.get(Agency, sample.agency_id)
        ctx = DocumentContext(visit=Visit(id=sample.visit_id, record_no=""),
                              agency=DomainAgency(id=sample.agency_id, name=agency.name if agency else ""))
    ctx.rejection = Rejection(seal_no=sample.seal_no, sample_kind=tr(lc.KIND[sample.kind], ZH),
                              package_no=sample.package_no, received_at=sample.decided_at,
                              seal_intact=sample.seal_intact, matches_form=sample.matches_form,
                              quantity_ok=sample.quantity_ok, reason=sample.reason, receiver=sample.decided_by,
                              findings=[text for _c, text, _red in lc.finding_texts(sample, ZH)])
    return registry.build(DocumentKind.REJECTION_LETTER, ctx)


def advice_pdf(session, request: Request, *, b: BlindSample) -> bytes:
    rec = session.scalar(select(Record).where(Record.visit_id == b.visit_id))
    if rec is None or b.conclusion != Conclusion.FAIL.value:
        raise lc.not_found()
    ctx = _context(session, request, rec)
    a = results.advice(session=session, blind_id=b.id)
    items = results.failed_items(session=session, blind_id=b.id)
    ctx.advice = ImprovementAdvice(report_no=b.report_no, failed_items=results.failed_text(items),
                                   problem=a.problem if a else "", cause=a.cause if a else "",
                                   advice=a.advice if a else "", remarks=a.remarks if a else "",
                                   issued_on=date.fromisoformat(a.issued_on) if a and a.issued_on else None)
    return registry.build(DocumentKind.IMPROVEMENT_ADVICE, ctx)


def custody_pdf(session, *, sample: LabSample, code: BlindSample | None, tester_copy: bool,
                  packages: list[LabSample] | None = None) -> bytes:
    """tester_copy: the blind code and the product only."""
    packages = packages or [sample]
    agency = session.get(Agency, sample.agency_id)
    if tester_copy:
        identity = [(tr("样品编号", ZH), code.code if code else ""), (tr("产品名称", ZH), code.product if code else "")]
        reference = code.code if code else ""
    else:
        rec = records.by_visit(session=session, visit_id=sample.visit_id) if sample.record_id else None
        identity = [(tr("抽样单编号", ZH), rec.record.record_no if rec else tr("（记录未同步）", ZH)),
                    (tr("产品名称", ZH), rec.record.product if rec else ""),
                    (tr("受检单位", ZH), rec.record.party_name if rec else ""),
                    (tr("封条编号", ZH), sample.seal_no),
                    (tr("样品类别", ZH), f"{tr(lc.KIND[sample.kind], ZH)} 第{sample.package_no}件")]  # i18n: printed
        if code is not None:
            identity.append((tr("样品编号", ZH), code.code))
        reference = rec.record.record_no if rec else sample.seal_no
    lines = [custody_sheet.CustodyLine(event=tr(custody.EVENTS[e.event], ZH), at=e.at, who=e.actor_name or e.actor,
                                       where=e.location, note=e.note)
             for e in custody.events(session=session, sample_ids=[p.id for p in packages])]
    return custody_sheet.build(custody_sheet.CustodySheet(identity=identity, lines=lines,
                                                          lab=agency.name if agency else "", reference=reference))


def disposal_report_pdf(session, request: Request, *, plan: Plan, agency_id: str | None) -> bytes:
    today = lc.today(request)
    rows = disposal.report_rows(session=session, agency_id=agency_id, plan_id=plan.id, rules=lc.rules(),
                                cal=lc.calendar(), today=today)
    proofs = {r.sample.id: len(receipt.photos(session=session, sample_id=r.sample.id, purpose="disposal"))
              for r in rows if r.disposal}
    lab = session.get(Agency, agency_id) if agency_id else None
    lines = [disposal_report.DisposalLine(
        record_no=r.record.record_no if r.record else "", product=r.record.product if r.record else "",
        party=r.record.party_name if r.record else "", seal_no=r.sample.seal_no,
        kind=tr(lc.KIND[r.sample.kind], ZH), paid=r.paid,
        conclusion=tr(results.CONCLUSION_TEXT[r.conclusion], ZH) if r.conclusion else "",
        action=tr(disposal.ACTIONS[r.disposal.action], ZH) if r.disposal else "",
        disposed_on=r.disposal.disposed_on if r.disposal else "", recipient=r.disposal.recipient if r.disposal else "",
        who=r.disposal.recorded_by if r.disposal else "",
        proof=f"{tr('照片', ZH)} {proofs[r.sample.id]}" if r.disposal else "") for r in rows]
    return disposal_report.build(disposal_report.DisposalReport(
        plan_title=plan.title, lab=lab.name if lab else tr("各承检机构", ZH), lines=lines, issued_on=today))
