"""Signatures, the refusal to sign, finishing (freezing + hashing) and
amendments to a frozen record."""
from __future__ import annotations

import uuid
from typing import Any

from app.domain import rules
from app.domain.canonical import canonical_bytes
from app.domain.messages import Problem, RuleViolation
from app.domain.plain import to_plain
from app.domain.record import amendment_document, amendment_hash, record_bytes, record_hash
from app.domain.visit import Amendment, SignerRole, SignRefusal, Signature, Visit, VisitStatus
from app.domain.workflow import VisitFlow
from app.domain.entities import TaskStatus
from app.services.evidence import store_image_bytes
from app.services.visits import context_for, editing, mutate
from app.services.workspace import Workspace
from app.store import master_repo, visits_repo
from sync.client import outbox


def sign(ws: Workspace, visit_id: str, *, role: SignerRole, name: str, png: bytes,
         signer_ref: str = "") -> Signature:
    """Add a signature (drawn on the pad). Signing again replaces that
    signer's earlier signature."""
    stored = store_image_bytes(ws, png, f"signature-{role.value}.png")
    sig = Signature(id=str(uuid.uuid4()), role=role, name=name.strip(), image_sha256=stored.sha256,
                    signer_ref=signer_ref or name.strip(), signed_at=ws.now())

    def change(v: Visit) -> None:
        v.signatures = [s for s in v.signatures if not (s.role == role and s.signer_ref == sig.signer_ref)]
        v.signatures.append(sig)
        if role == SignerRole.PARTY:
            v.sign_refusal = None
    mutate(ws, visit_id, change)
    return sig


def refuse_to_sign(ws: Workspace, visit_id: str, *, reason: str, witness_name: str = "",
                   witness_id_no: str = "", witness_png: bytes | None = None) -> Visit:
    """The party refuses to sign: the refusal is written on the form and a
    witness may sign instead."""
    if not reason.strip():
        raise RuleViolation([Problem("sign.refusal_reason", "sign_refusal.reason")])
    witness_sha = store_image_bytes(ws, witness_png, "signature-witness.png").sha256 if witness_png else ""

    def change(v: Visit) -> None:
        v.signatures = [s for s in v.signatures if s.role != SignerRole.PARTY]
        v.sign_refusal = SignRefusal(reason=reason.strip(), witness_name=witness_name.strip(),
                                     witness_id_no=witness_id_no.strip(), witness_signature_sha256=witness_sha)
    return mutate(ws, visit_id, change)


def finish(ws: Workspace, visit_id: str) -> Visit:
    """Accept the last step of the current path (documents, refusal form or
    problem report): the record is frozen, hashed and its canonical bytes kept
    append-only. RuleViolation lists anything still missing."""
    with editing(ws, visit_id) as (s, v):
        status = VisitFlow(v, context_for(ws, s, v)).accept()
        v.status = status
        v.finished_at = ws.now()
        v.record_hash = record_hash(v)
        visits_repo.store_signed_record(s, visit_id=v.id, record_hash=v.record_hash,
                                        canonical=record_bytes(v), signed_at=v.finished_at)
        # Queued for the province in the same transaction that freezes it:
        # a frozen record can never miss the outbox.
        outbox.enqueue_record(s, v, now=v.finished_at)
        if v.task_id and status == VisitStatus.NO_SAMPLE:
            master_repo.set_task_status(s, v.task_id, TaskStatus.NO_SAMPLE)
        elif v.task_id:
            # Refused and reported end the task too: the home screen shows
            # how (已拒检 / 已报送问题) and a new visit needs a stated reason.
            master_repo.set_task_status(s, v.task_id, TaskStatus.DONE)
    return v


def _get_path(v: Visit, path: str) -> Any:
    obj: Any = v
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def effective_value(v: Visit, path: str) -> str:
    """The value after the amendments (the original is never rewritten)."""
    for a in reversed(v.amendments):
        if a.path == path:
            return a.new_value
    value = to_plain(_get_path(v, path))
    return "" if value is None else str(value)


def amend(ws: Workspace, visit_id: str, *, path: str, new_value: str, reason: str,
          party_png: bytes | None) -> Amendment:
    """更正/补充 of a frozen record, confirmed by the party's signature. The
    signed original stays as it was; the amendment chains to it."""
    problems = rules.amendment_confirmed("x" if party_png else "", new_value, reason)
    if problems:
        raise RuleViolation(problems)
    sig_sha = store_image_bytes(ws, party_png, "signature-party-amendment.png").sha256
    with editing(ws, visit_id, allow_frozen=True) as (s, v):
        if v.status != VisitStatus.FINISHED:
            raise RuleViolation([Problem("visit.not_in_progress")])
        try:
            old = effective_value(v, path)
        except AttributeError:
            raise RuleViolation([Problem("value.unknown_field", path, {"name": path})]) from None
        prev = v.amendments[-1].hash if v.amendments else v.record_hash
        a = Amendment(id=str(uuid.uuid4()), path=path, old_value=old, new_value=new_value.strip(),
                      reason=reason.strip(), created_at=ws.now(), prev_hash=prev,
                      party_signature_sha256=sig_sha)
        a.hash = amendment_hash(a)
        v.amendments.append(a)
        visits_repo.store_amendment(s, visit_id=v.id, amendment_id=a.id, seq=len(v.amendments),
                                    prev_hash=prev, hash_=a.hash,
                                    canonical=canonical_bytes(amendment_document(a)), created_at=a.created_at)
        outbox.enqueue_amendment(s, v, a, now=a.created_at)
    return a
