"""样品接收: a scanned seal becomes a lab sample with the verdict of
app.domain.seal_check; the receiver photographs it, ticks the checks and
accepts or rejects it. A red verdict is refused unless a lab manager
overrides it with a reason. A seal whose record has not synced yet is kept
as "record pending" and re-matched when the record arrives (reconcile)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import seal_check
from app.domain.i18n import N_
from app.domain.seal_check import Finding, Verdict
from app.domain.seal_payload import SealPayloadError, decode
from sync.server.audit import service as audit
from sync.server.blobs.put import put_bytes
from sync.server.lab import blind, custody, records
from sync.server.lab.common import Actor, LabError, check_photo
from sync.server.lab.models import LabPhoto, LabSample, Shipment

DECIDED = ("accepted", "rejected")


def _earlier(session: Session, p, agency_id: str, itself: LabSample | None = None) -> datetime | None:
    """When this seal was first received (accepted or rejected) before."""
    q = select(func.min(LabSample.decided_at)).where(
        LabSample.seal_no == p.seal_no, LabSample.visit_id == p.record_id, LabSample.status.in_(DECIDED),
        LabSample.agency_id == agency_id)
    if itself is not None:
        q = q.where(LabSample.id != itself.id)
        if itself.decided_at is not None:
            q = q.where(LabSample.decided_at < itself.decided_at)
    return session.scalar(q)


def _verdict(session: Session, *, text: str, actor: Actor, expected_visit_id: str,
             itself: LabSample | None = None) -> tuple[Verdict, records.RecordFacts | None]:
    try:
        payload = decode(text)[0]
    except SealPayloadError as e:
        raise LabError(N_("不是有效的封条二维码：{detail}"), detail=str(e)) from None
    verdict = seal_check.check_signature(text, records.device_keys(session=session, key_id=payload.key_id))
    rec = records.by_visit(session=session, visit_id=payload.record_id)
    expected = records.by_visit(session=session, visit_id=expected_visit_id) if expected_visit_id else None
    if expected is not None and expected.record.agency_id != actor.agency_id:
        expected = None                     # another agency's form: its number is not shown here
    seal_check.match(verdict, record=rec.seals if rec else None, lab_agency_id=actor.agency_id,
                     expected=expected.seals if expected else None, expected_visit_id=expected_visit_id or None,
                     earlier=_earlier(session, payload, actor.agency_id or "", itself))
    if Finding.OTHER_AGENCY in verdict.findings:
        rec = None                          # another agency's record is not shown here
    return verdict, rec


def _json_params(verdict: Verdict) -> dict:
    return {f.value: p for f, p in verdict.params.items()}


def scan(*, session: Session, text: str, actor: Actor, now: datetime, expected_visit_id: str = "") -> LabSample:
    """Verify and match one seal. Scanning a package again before deciding
    gives the same sample (re-checked); once decided, a new scan is a
    second receipt (duplicate)."""
    text = "".join(text.split())
    if not actor.agency_id:
        raise LabError(N_("账号不属于任何检验机构，不能接收样品"))
    verdict, rec = _verdict(session, text=text, actor=actor, expected_visit_id=expected_visit_id)
    p = verdict.payload
    sample = session.scalar(select(LabSample).where(
        LabSample.seal_no == p.seal_no, LabSample.visit_id == p.record_id, LabSample.status == "scanned",
        LabSample.agency_id == actor.agency_id).order_by(LabSample.id.desc()).limit(1))
    if sample is None:
        sample = LabSample(agency_id=actor.agency_id, status="scanned", seal_no=p.seal_no, visit_id=p.record_id,
                           kind=p.kind.value, package_no=p.package_no, sealed_at=p.sealed_at,
                           hash_prefix=p.hash_prefix, key_id=p.key_id, override_reason="", override_by="",
                           reason="", decided_by="", location="")
        session.add(sample)
    sample.payload, sample.expected_visit_id = text, expected_visit_id or ""
    sample.record_id = rec.record.id if rec else None
    sample.device_id = verdict.device.device_id if verdict.device else ""
    sample.findings, sample.params = [f.value for f in verdict.findings], _json_params(verdict)
    sample.scanned_at, sample.scanned_by = now, actor.username
    session.flush()
    audit.log(session=session, actor=actor.username, action="lab.scan", target=p.seal_no,
              detail={"sample": sample.id, "visit_id": p.record_id, "findings": sample.findings,
                      "device": sample.device_id})
    return sample


def red(sample: LabSample) -> list[Finding]:
    return [Finding(f) for f in sample.findings if Finding(f) in seal_check.RED]


def refused(sample: LabSample) -> bool:
    """Red and not overridden by a lab manager."""
    return bool(red(sample)) and not sample.override_reason


def override(*, session: Session, sample: LabSample, reason: str, actor: Actor) -> None:
    reason = reason.strip()
    if sample.status != "scanned":
        raise LabError(N_("该样品已处理"))
    if not red(sample):
        raise LabError(N_("封条验证通过，无需强制接收"))
    if any(Finding(f) in seal_check.NOT_OVERRIDABLE for f in sample.findings):
        raise LabError(N_("该样品不属于本检验机构，不能强制接收"))
    if len(reason) < 4:
        raise LabError(N_("强制接收必须写明理由"))
    sample.override_reason, sample.override_by = reason[:2000], actor.username
    audit.log(session=session, actor=actor.username, action="lab.override", target=sample.seal_no,
              detail={"sample": sample.id, "findings": sample.findings, "reason": sample.override_reason})


def add_photo(*, session: Session, store, sample: LabSample, data: bytes, filename: str, purpose: str,
              actor: Actor) -> LabPhoto:
    check_photo(data, filename)
    sha = put_bytes(session=session, store=store, data=data, source="lab")
    photo = LabPhoto(sample_id=sample.id, purpose=purpose, sha256=sha, filename=filename[:200],
                     uploaded_by=actor.username)
    session.add(photo)
    session.flush()
    return photo


def photos(*, session: Session, sample_id: int, purpose: str | None = None) -> list[LabPhoto]:
    q = select(LabPhoto).where(LabPhoto.sample_id == sample_id).order_by(LabPhoto.id)
    if purpose:
        q = q.where(LabPhoto.purpose == purpose)
    return list(session.scalars(q))


def decide(*, session: Session, store, sample: LabSample, accept: bool, seal_intact: bool, matches_form: bool,
           quantity_ok: bool, reason: str, new_photos: list[tuple[str, bytes]], actor: Actor, now: datetime,
           location: str = "") -> LabSample:
    """Accept or reject a scanned sample. Nothing is saved when refused."""
    reason = reason.strip()
    if sample.status != "scanned":
        raise LabError(N_("该样品已处理"))
    if refused(sample):
        raise LabError(N_("封条验证未通过，拒绝接收；需实验室负责人写明理由后强制接收"))
    for name, data in new_photos:
        check_photo(data, name)
    if not new_photos and not photos(session=session, sample_id=sample.id, purpose="condition"):
        raise LabError(N_("请至少上传一张样品状态和封条的照片"))
    if accept and not (seal_intact and matches_form and quantity_ok):
        raise LabError(N_("封条完好、与抽样单相符、数量满足检验要求三项都确认后才能接收；否则请拒收并写明理由"))
    if not accept and len(reason) < 4:
        raise LabError(N_("拒收必须书面说明理由"))
    for name, data in new_photos:
        add_photo(session=session, store=store, sample=sample, data=data, filename=name, purpose="condition",
                  actor=actor)
    sample.status = "accepted" if accept else "rejected"
    sample.seal_intact, sample.matches_form, sample.quantity_ok = seal_intact, matches_form, quantity_ok
    sample.reason = "" if accept else reason[:2000]
    sample.decided_at, sample.decided_by = now, actor.username
    custody.add(session=session, sample=sample, event="received", actor=actor, at=now, location=location,
                note="" if accept else reason[:200])
    shipment = session.scalar(select(Shipment).where(Shipment.visit_id == sample.visit_id))
    if shipment is not None and shipment.received_at is None:
        shipment.received_at = now              # the receipt closes the transit
    if accept and sample.kind == "test":
        rec = records.by_visit(session=session, visit_id=sample.visit_id) if sample.record_id else None
        code = blind.assign(session=session, sample=sample, product=rec.record.product if rec else "", actor=actor,
                            now=now)
        sample.blind_id = code.id
    session.flush()
    audit.log(session=session, actor=actor.username, action="lab.accept" if accept else "lab.reject",
              target=sample.seal_no, detail={"sample": sample.id, "visit_id": sample.visit_id,
                                             "override": sample.override_reason, "reason": sample.reason},
              after={"seal_intact": seal_intact, "matches_form": matches_form, "quantity_ok": quantity_ok})
    return sample


def reconcile(*, session: Session, record) -> int:
    """The record of pending samples has arrived: link them and match them
    again (a swapped or re-printed seal shows up now). Returns how many."""
    pending = list(session.scalars(select(LabSample).where(LabSample.visit_id == record.visit_id,
                                                           LabSample.record_id.is_(None))))
    if not pending:
        # The usual case: no seal of this visit reached the lab first. Then
        # it has no blind code either (codes are made for received samples),
        # and neither the document (parsed) nor the codes need reading.
        return 0
    rec = records.facts(record)
    for sample in pending:
        if rec is None or sample.agency_id != record.agency_id:
            continue
        actor = Actor(username=sample.scanned_by, name="", agency_id=sample.agency_id)
        verdict, _ = _verdict(session, text=sample.payload, actor=actor, expected_visit_id=sample.expected_visit_id,
                              itself=sample)
        before = list(sample.findings)
        sample.record_id = record.id
        sample.findings, sample.params = [f.value for f in verdict.findings], _json_params(verdict)
        audit.log(session=session, actor="server", action="lab.reconcile", target=sample.seal_no,
                  detail={"sample": sample.id, "record": record.record_no}, before={"findings": before},
                  after={"findings": sample.findings})
    blind.reconcile(session=session, visit_id=record.visit_id, product=record.product)
    return len(pending)
