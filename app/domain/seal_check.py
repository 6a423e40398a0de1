"""The lab's check of one scanned seal: is the label genuine, and is it the
label of the sample in front of the receiver?

1. Signature: the payload names its key (key_id); it must verify against a
   registered device key with that id. No such key: unknown device; a key
   with that id that does not verify it: forged (signed with another key).
2. Revocation: a device revoked after the seal's time still vouches for it
   (a note); a seal claiming a time after the revocation is flagged.
3. Match with the synced record (if it is there yet): the seal number must
   be one of the record's seals, of the same kind and package, and the hash
   it vouches for must be the record's final sealing hash (a label printed
   before the sample details changed is a re-print); a sampling form scanned
   first names the record the package must belong to (else: swapped).
4. A seal already received once is a duplicate.

Findings in RED are refused unless a lab manager overrides them with a
written reason; the others are notes shown beside the verdict."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping

from cryptography.exceptions import InvalidSignature

from app.domain.i18n import N_
from app.domain.seal_payload import (SIGNING_CONTEXT, SealPayload, SealPayloadError, decode, load_public_key)
from app.domain.visit import SampleKind

FORM_QR_PREFIX = "FSR1:"          # the sampling form's QR (forms/sampling_form.py): FSR1:<visit id>:<hash>


class Finding(str, enum.Enum):
    UNKNOWN_DEVICE = "unknown_device"
    FORGED = "forged"
    SIGNED_AFTER_REVOCATION = "signed_after_revocation"
    OTHER_AGENCY = "other_agency"
    SWAPPED = "swapped"
    REPRINTED = "reprinted"
    DUPLICATE = "duplicate"
    REVOKED_LATER = "revoked_later"          # note
    RECORD_PENDING = "record_pending"        # note: the laptop has not synced yet


RED = frozenset({Finding.UNKNOWN_DEVICE, Finding.FORGED, Finding.SIGNED_AFTER_REVOCATION, Finding.OTHER_AGENCY,
                 Finding.SWAPPED, Finding.REPRINTED, Finding.DUPLICATE})
# Not even a lab manager accepts another agency's sample: it goes back.
NOT_OVERRIDABLE = frozenset({Finding.OTHER_AGENCY})

TEXT = {
    Finding.UNKNOWN_DEVICE: N_("未知设备：签名密钥未在服务器登记，封条可能是伪造的"),
    Finding.FORGED: N_("伪造：签名与登记的设备密钥不符（用其他密钥签名或内容被改动）"),
    Finding.SIGNED_AFTER_REVOCATION: N_("封样时间晚于该设备的停用时间（{revoked}）"),
    Finding.OTHER_AGENCY: N_("该样品不属于本检验机构"),
    Finding.SWAPPED: N_("调换：这是另一样品的有效封条（{why}）"),
    Finding.REPRINTED: N_("重新打印的封条：所担保的哈希 {seal} 与记录最终的封样哈希 {record} 不符"),
    Finding.DUPLICATE: N_("重复接收：该封条已于 {when} 接收过"),
    Finding.REVOKED_LATER: N_("签名设备已于 {revoked} 停用；封条在停用前签署，仍然有效"),
    Finding.RECORD_PENDING: N_("抽样记录尚未同步到服务器：仅凭封条验证，记录到达后自动核对"),
}
SHORT = {
    Finding.UNKNOWN_DEVICE: N_("未知设备"), Finding.FORGED: N_("伪造"), Finding.SIGNED_AFTER_REVOCATION: N_("停用后签名"),
    Finding.OTHER_AGENCY: N_("非本机构"), Finding.SWAPPED: N_("调换"), Finding.REPRINTED: N_("重新打印"),
    Finding.DUPLICATE: N_("重复接收"), Finding.REVOKED_LATER: N_("设备已停用"), Finding.RECORD_PENDING: N_("记录待同步"),
}
SWAP_WHY = {
    "other_record": N_("封条属于抽样单 {record}，不是扫描的抽样单 {expected}"),
    "not_in_record": N_("抽样记录中没有封条 {seal_no}"),
    "kind": N_("记录中该封条为{kind_record}第{package_record}包，封条写的是{kind_seal}第{package_seal}包"),
}


@dataclass(frozen=True)
class DeviceKey:
    """A registered device's public key, as the server holds it."""
    device_id: str
    public_key: bytes                  # raw Ed25519, 32 bytes
    agency_id: str | None
    revoked_at: datetime | None = None
    name: str = ""


@dataclass(frozen=True)
class RecordSeals:
    """What the synced record says about its seals."""
    visit_id: str
    record_no: str
    agency_id: str
    sealing_hash: str
    seals: Mapping[str, tuple[SampleKind, int]]       # seal_no -> (kind, package_no)


@dataclass
class Verdict:
    payload: SealPayload
    device: DeviceKey | None
    findings: list[Finding] = field(default_factory=list)
    params: dict[Finding, dict] = field(default_factory=dict)    # placeholders of each finding's text

    @property
    def red(self) -> list[Finding]:
        return [f for f in self.findings if f in RED]

    @property
    def overridable(self) -> bool:
        return not any(f in NOT_OVERRIDABLE for f in self.findings)

    def add(self, finding: Finding, **params) -> None:
        if finding not in self.findings:
            self.findings.append(finding)
        self.params[finding] = {**self.params.get(finding, {}), **params}


def form_qr_visit(text: str) -> str | None:
    """The visit id of a sampling form's QR, or None for anything else."""
    text = text.strip()
    if not text.startswith(FORM_QR_PREFIX):
        return None
    parts = text[len(FORM_QR_PREFIX):].split(":")
    return parts[0] or None


def check_signature(text: str, candidates: Iterable[DeviceKey]) -> Verdict:
    """Decode (SealPayloadError if unreadable) and verify against the
    registered keys whose id the payload names."""
    payload, body, signature = decode(text)
    candidates = list(candidates)
    for dev in candidates:
        try:
            load_public_key(dev.public_key).verify(signature, SIGNING_CONTEXT + body)
        except (InvalidSignature, ValueError):
            continue
        verdict = Verdict(payload=payload, device=dev)
        if dev.revoked_at is not None:
            when = dev.revoked_at.isoformat(timespec="seconds")
            if payload.sealed_at > dev.revoked_at:
                verdict.add(Finding.SIGNED_AFTER_REVOCATION, revoked=when)
            else:
                verdict.add(Finding.REVOKED_LATER, revoked=when)
        return verdict
    verdict = Verdict(payload=payload, device=None)
    verdict.add(Finding.FORGED if candidates else Finding.UNKNOWN_DEVICE)
    return verdict


def match(verdict: Verdict, *, record: RecordSeals | None, lab_agency_id: str | None,
          expected: RecordSeals | None = None, expected_visit_id: str | None = None,
          earlier: datetime | None = None) -> Verdict:
    """Compare a verified (or refused) seal with the record it names, the
    sampling form scanned before it (expected) and earlier receipts."""
    p = verdict.payload
    owner = record.agency_id if record else (verdict.device.agency_id if verdict.device else None)
    if lab_agency_id is not None and owner is not None and owner != lab_agency_id:
        verdict.add(Finding.OTHER_AGENCY)
    wanted = expected.visit_id if expected else expected_visit_id
    if wanted and wanted != p.record_id:
        verdict.add(Finding.SWAPPED, why=SWAP_WHY["other_record"],
                    why_params={"record": record.record_no if record else p.record_id,
                                "expected": expected.record_no if expected else wanted})
    if record is None:
        verdict.add(Finding.RECORD_PENDING)
    else:
        seal = record.seals.get(p.seal_no)
        if seal is None:
            verdict.add(Finding.SWAPPED, why=SWAP_WHY["not_in_record"], why_params={"seal_no": p.seal_no})
        elif seal != (p.kind, p.package_no):
            verdict.add(Finding.SWAPPED, why=SWAP_WHY["kind"],
                        why_params={"kind_record": seal[0].value, "package_record": seal[1],
                                    "kind_seal": p.kind.value, "package_seal": p.package_no})
        elif not record.sealing_hash.startswith(p.hash_prefix):
            verdict.add(Finding.REPRINTED, seal=p.hash_prefix, record=record.sealing_hash[:len(p.hash_prefix)])
    if earlier is not None:
        verdict.add(Finding.DUPLICATE, when=earlier.isoformat(timespec="seconds"))
    return verdict


__all__ = ["DeviceKey", "Finding", "RED", "RecordSeals", "SealPayloadError", "TEXT", "Verdict", "check_signature",
           "form_qr_visit", "match"]
