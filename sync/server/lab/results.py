"""Results per blind sample (合格 / 不合格 with the failed items), the
report PDF, the dates the deadlines are measured by, and the improvement
advice (产品质量改进建议书, 附件2) of a failed sample."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_
from app.domain.lab_rules import Conclusion
from sync.server.audit import service as audit
from sync.server.blobs.put import put_bytes
from sync.server.lab.common import MAX_FILE_BYTES, Actor, LabError, parse_day
from sync.server.lab.models import Advice, BlindSample, FailedItem

CONCLUSION_TEXT = {Conclusion.PASS.value: N_("合格"), Conclusion.FAIL.value: N_("不合格")}
MAX_ITEMS = 30


def failed_items(*, session: Session, blind_id: int) -> list[FailedItem]:
    return list(session.scalars(select(FailedItem).where(FailedItem.blind_id == blind_id).order_by(FailedItem.seq)))


def _state(blind: BlindSample, items: list[FailedItem]) -> dict:
    return {"conclusion": blind.conclusion, "report_no": blind.report_no, "report_date": blind.report_date,
            "testing_ended_on": blind.testing_ended_on,
            "failed_items": [[i.item, i.requirement, i.measured, i.method] for i in items]}


def set_result(*, session: Session, blind: BlindSample, conclusion: str, report_no: str, report_date: str,
               testing_ended_on: str, items: list[dict], actor: Actor, now: datetime) -> BlindSample:
    """items: [{"item", "requirement", "measured", "method"}]; rows without an
    item name are ignored. A failed result needs at least one."""
    if conclusion not in CONCLUSION_TEXT:
        raise LabError(N_("请选择检验结论"))
    report_no = report_no.strip()
    if not report_no:
        raise LabError(N_("请填写报告编号"))
    report_date = parse_day(report_date, required=True, field=N_("报告日期"))
    testing_ended_on = parse_day(testing_ended_on, required=True, field=N_("检验结束日期"))
    if testing_ended_on > report_date:
        raise LabError(N_("检验结束日期不能晚于报告日期"))
    rows = [{k: str(i.get(k) or "").strip() for k in ("item", "requirement", "measured", "method")} for i in items]
    rows = [r for r in rows if r["item"]][:MAX_ITEMS]
    if conclusion == Conclusion.FAIL.value:
        if not rows:
            raise LabError(N_("不合格结论须至少填写一个不合格项目"))
        missing = [r["item"] for r in rows if not (r["requirement"] and r["measured"] and r["method"])]
        if missing:
            raise LabError(N_("不合格项目“{item}”须填写标准要求、实测值和检验方法"), item=missing[0])
    elif rows:
        raise LabError(N_("合格结论不能有不合格项目"))
    clash = session.scalar(select(BlindSample.id).where(BlindSample.report_no == report_no,
                                                        BlindSample.id != blind.id))
    if clash is not None:
        raise LabError(N_("报告编号 {no} 已用于另一样品"), no=report_no)
    old = failed_items(session=session, blind_id=blind.id)
    before = _state(blind, old) if blind.conclusion else None
    for i in old:
        session.delete(i)
    session.flush()
    blind.conclusion, blind.report_no, blind.report_date = conclusion, report_no[:64], report_date
    blind.testing_ended_on, blind.result_by, blind.result_at = testing_ended_on, actor.username, now
    new = [FailedItem(blind_id=blind.id, seq=n, item=r["item"][:200], requirement=r["requirement"][:300],
                      measured=r["measured"][:200], method=r["method"][:200]) for n, r in enumerate(rows, start=1)]
    session.add_all(new)
    session.flush()
    audit.log(session=session, actor=actor.username, action="lab.result", target=f"blind {blind.id}", before=before,
              after=_state(blind, new))
    return blind


def attach_report(*, session: Session, store, blind: BlindSample, data: bytes, actor: Actor) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise LabError(N_("文件太大（上限 {mb} MB）"), mb=MAX_FILE_BYTES // 2 ** 20)
    if not data.startswith(b"%PDF"):
        raise LabError(N_("检验报告须为 PDF 文件"))
    sha = put_bytes(session=session, store=store, data=data, source="lab")
    blind.report_sha256 = sha
    audit.log(session=session, actor=actor.username, action="lab.report_upload", target=f"blind {blind.id}",
              detail={"sha256": sha, "size": len(data)})
    return sha


def set_dates(*, session: Session, blind: BlindSample, ecqs_entered_on: str, province_sent_on: str,
              actor: Actor) -> None:
    """e-CQS results entered on; failed report sent to the province on."""
    ecqs = parse_day(ecqs_entered_on, field=N_("e-CQS 录入日期"))
    province = parse_day(province_sent_on, field=N_("报送省局日期"))
    if province and blind.conclusion != Conclusion.FAIL.value:
        raise LabError(N_("只有不合格报告需报送省局"))
    before = {"ecqs_entered_on": blind.ecqs_entered_on, "province_sent_on": blind.province_sent_on}
    blind.ecqs_entered_on, blind.province_sent_on = ecqs, province
    audit.log(session=session, actor=actor.username, action="lab.dates", target=f"blind {blind.id}", before=before,
              after={"ecqs_entered_on": ecqs, "province_sent_on": province})


def failed_text(items: list[FailedItem]) -> str:
    """不合格项目 as the advice letter and the summary sheet print it."""
    return "\n".join(f"{n}. {i.item}（标准要求：{i.requirement}；实测值：{i.measured}；检验方法：{i.method}）"  # i18n: official documents print in Chinese
                     for n, i in enumerate(items, start=1))


def advice(*, session: Session, blind_id: int) -> Advice | None:
    return session.get(Advice, blind_id)


def save_advice(*, session: Session, blind: BlindSample, problem: str, cause: str, advice_text: str, remarks: str,
                issued_on: str, actor: Actor, now: datetime) -> Advice:
    if blind.conclusion != Conclusion.FAIL.value:
        raise LabError(N_("只有不合格样品需要产品质量改进建议书"))
    issued_on = parse_day(issued_on, field=N_("日期"))
    if not (problem.strip() and cause.strip() and advice_text.strip()):
        raise LabError(N_("请填写质量问题描述、原因分析和改进建议"))
    row = session.get(Advice, blind.id)
    before = None
    if row is None:
        row = Advice(blind_id=blind.id)
        session.add(row)
    else:
        before = {"problem": row.problem, "cause": row.cause, "advice": row.advice, "remarks": row.remarks,
                  "issued_on": row.issued_on}
    row.problem, row.cause, row.advice = problem.strip()[:4000], cause.strip()[:4000], advice_text.strip()[:4000]
    row.remarks, row.issued_on, row.updated_by, row.updated_at = remarks.strip()[:1000], issued_on, actor.username, now
    session.flush()
    audit.log(session=session, actor=actor.username, action="lab.advice", target=f"blind {blind.id}", before=before,
              after={"problem": row.problem, "cause": row.cause, "advice": row.advice, "remarks": row.remarks,
                     "issued_on": row.issued_on})
    return row
