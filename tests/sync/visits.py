"""Finished visits built directly from app.domain objects, with their photo
bytes, for pushing through the sync client."""
from __future__ import annotations

import hashlib
import random
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from app.domain.entities import InspectedParty
from app.domain.plan import Scope
from app.domain.record import record_hash
from app.domain.visit import (EvidenceCategory, EvidenceItem, Payment, PriceBasis, SampleDetails, SampleKind, Seal,
                              ShownDocuments, Signature, SignerRole, TeamMember, Visit, VisitStatus)


def photo_bytes(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def finished_visit(*, task_id: str, party: dict, product: str, plan_item_id: str, rng: random.Random,
                   photo_sizes=(60_000, 30_000), status: VisitStatus = VisitStatus.FINISHED,
                   finished_at: datetime | None = None) -> tuple[Visit, dict[str, bytes]]:
    """A signed record and the bytes of every photo and signature it references."""
    finished_at = finished_at or datetime.now(timezone.utc).replace(microsecond=0)
    blobs: dict[str, bytes] = {}

    def blob(size: int) -> str:
        data = photo_bytes(rng, size)
        sha = hashlib.sha256(data).hexdigest()
        blobs[sha] = data
        return sha

    cats = [EvidenceCategory.SITE, EvidenceCategory.LABEL, EvidenceCategory.SAMPLING, EvidenceCategory.SEALED]
    evidence = [EvidenceItem(id=uuid.UUID(int=rng.getrandbits(128)).hex, category=cats[i % len(cats)],
                             sha256=blob(size), captured_at=finished_at - timedelta(minutes=30))
                for i, size in enumerate(photo_sizes)]
    sigs = [Signature(id=uuid.UUID(int=rng.getrandbits(128)).hex, role=role, name=name, image_sha256=blob(4000),
                      signer_ref=ref, signed_at=finished_at)
            for role, name, ref in ((SignerRole.SAMPLER, "王建国", "s1"), (SignerRole.SAMPLER, "李明", "s2"),
                                    (SignerRole.PARTY, party.get("contact") or "负责人", ""))]
    fields = {k: party.get(k, "") for k in ("id", "name", "credit_code", "address", "contact", "phone")}
    v = Visit(id=uuid.UUID(int=rng.getrandbits(128)).hex, record_no=f"SX2022-{rng.randrange(10**6):06d}",
              task_id=task_id, plan_id=plan_item_id.split("-")[0] if plan_item_id.startswith("T") else "2022-4",
              status=status, started_at=finished_at - timedelta(hours=1),
              team=[TeamMember("s1", "王建国", "晋抽证1"), TeamMember("s2", "李明", "晋抽证2")],
              shown=ShownDocuments(True, True, True),
              party=InspectedParty(**fields, scope=Scope(party.get("scope", "gas_station"))),
              evidence=evidence,
              sample=SampleDetails(product=product, plan_item_id=plan_item_id, batch_no="20221114-02",
                                   unit_price=Decimal("7.85"), price_basis=PriceBasis.MARKED,
                                   base_quantity=Decimal("18000"), test_quantity=Decimal("4"),
                                   backup_quantity=Decimal("4"), fuel_grade="92#", tank_no="2"),
              payment=Payment(quantity=Decimal("4"), unit_price=Decimal("7.85"), amount=Decimal("31.40"),
                              paid=True, backup_free=True),
              seals=[Seal(id="s-t", seal_no=f"F{rng.randrange(10**8)}", kind=SampleKind.TEST),
                     Seal(id="s-b", seal_no=f"F{rng.randrange(10**8)}", kind=SampleKind.BACKUP)],
              signatures=sigs, finished_at=finished_at)
    v.record_hash = record_hash(v)
    return v, blobs


# --- pushing them over HTTP in server tests ------------------------------------------

def world_party(world, label: str, scope: str = "gas_station") -> dict:
    """The task's party as a pulled task carries it (id and credit code)."""
    return {"id": world.parties[label], "name": label, "credit_code": world.codes[label], "address": "a",
            "contact": "c", "scope": scope}


def world_visit(world, task: str, party: str, product: str = "车用汽油", item: str = "2022-4-11", seed=None,
                **kw) -> tuple[Visit, dict[str, bytes]]:
    """A finished visit for one of the test world's tasks (tests/sync/world.py)."""
    return finished_visit(task_id=world.tasks[task], party=world_party(world, party, kw.pop("scope", "gas_station")),
                          product=product, plan_item_id=item, rng=random.Random(seed or task), **kw)


def push_body(v: Visit, client_id: str | None = None, *, key=None) -> dict:
    """The POST /v1/records body of a finished visit, signed with `key`
    (the sending device's: world.keys[user]) when given."""
    from app.domain.record import record_document
    from sync.protocol.schemas import RecordPush
    body = RecordPush(client_id=client_id or f"c-{v.id}", visit_id=v.id, task_id=v.task_id,
                      record_hash=v.record_hash, document=record_document(v),
                      device_time=datetime.now(timezone.utc)).model_dump(mode="json")
    return signed(body, key) if key is not None else body


def signed(body: dict, key) -> dict:
    """The push body with its device signature (app.domain.record_signature)."""
    from app.domain import record_signature
    return dict(body, signature=record_signature.sign(key, body["kind"], body["record_hash"]))


def upload(client, blobs: dict[str, bytes]) -> None:
    """Every blob in one PATCH each; each must complete."""
    for sha, data in blobs.items():
        r = client.patch(f"/v1/blobs/{sha}", content=data,
                         headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
        assert r.status_code == 200 and r.json()["complete"], r.text
