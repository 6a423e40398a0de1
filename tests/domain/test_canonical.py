"""The canonical record and its SHA-256: the hash printed on the form and bound
into every seal QR must be the same bytes everywhere and must move whenever
anything signed moves."""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.canonical import canonical_bytes, canonical_hash
from app.domain.plain import from_plain, to_plain
from app.domain.record import (amendment_hash, chain_valid, record_bytes, record_document, record_hash,
                               sealing_hash)
from app.domain.visit import (Amendment, EvidenceCategory as C, EvidenceItem, PriceBasis, SampleKind,
                              Visit, VisitStatus)
from tests.domain.builders import T0, complete_visit, fully_populated_visit, sha

ROOT = Path(__file__).resolve().parents[2]


def test_hash_is_sha256_of_compact_sorted_utf8_json():
    v = complete_visit()
    raw = record_bytes(v)
    assert hashlib.sha256(raw).hexdigest() == record_hash(v)
    text = raw.decode("utf-8")
    assert "太原市迎泽区某某加油站有限公司" in text         # not \\u-escaped
    assert ", " not in text and ": " not in text
    assert json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")) == text
    assert '"unit_price":"7.85"' in text and '"started_at":"2022-11-15T02:30:00Z"' in text


def test_hash_same_in_another_process_with_other_hash_seed():
    here = record_hash(fully_populated_visit())
    code = ("from app.domain.record import record_hash\n"
            "from tests.domain.builders import fully_populated_visit\n"
            "print(record_hash(fully_populated_visit()))\n")
    hashes = set()
    for seed in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        hashes.add(out.stdout.strip())
    assert hashes == {here}


def test_dict_insertion_order_does_not_matter():
    a, b = complete_visit(), complete_visit()
    a.evidence_waivers = {"storage": "无仓库", "stock": "地下油罐无法拍摄"}
    b.evidence_waivers = {"stock": "地下油罐无法拍摄", "storage": "无仓库"}
    assert list(a.evidence_waivers) != list(b.evidence_waivers)
    assert record_bytes(a) == record_bytes(b)
    assert canonical_bytes({"b": 1, "a": {"y": 2, "x": 3}}) == canonical_bytes({"a": {"x": 3, "y": 2}, "b": 1})


def test_evidence_and_seal_order_does_not_matter():
    a, b = complete_visit(), complete_visit()
    b.evidence.reverse()
    b.seals.reverse()
    assert record_hash(a) == record_hash(b)


def test_enum_keyed_waiver_hashes_and_round_trips_like_text_key():
    a, b = complete_visit(), complete_visit()
    a.evidence_waivers = {"storage": "无仓库"}
    b.evidence_waivers = {C.STORAGE: "无仓库"}
    assert record_hash(a) == record_hash(b)
    back = from_plain(Visit, to_plain(b, volatile=True))
    assert back.evidence_waivers == {"storage": "无仓库"}


SIGNED_CHANGES = {
    "record_no": lambda v: setattr(v, "record_no", v.record_no + "X"),
    "party name": lambda v: setattr(v.party, "name", v.party.name + "（分站）"),
    "credit code": lambda v: setattr(v.party, "credit_code", "91350100M000100Y43"),
    "team certificate": lambda v: setattr(v.team[0], "certificate_no", "晋抽证2022-0018"),
    "member absent": lambda v: setattr(v.team[1], "present", False),
    "shown": lambda v: setattr(v.shown, "authorization_letter", False),
    "batch no": lambda v: setattr(v.sample, "batch_no", "20221114-03"),
    "price": lambda v: setattr(v.sample, "unit_price", Decimal("7.86")),
    "price basis": lambda v: setattr(v.sample, "price_basis", PriceBasis.MARKET),
    "test quantity": lambda v: setattr(v.sample, "test_quantity", Decimal("5")),
    "amount": lambda v: setattr(v.payment, "amount", Decimal("31.41")),
    "backup free": lambda v: setattr(v.payment, "backup_free", False),
    "fee": lambda v: setattr(v.payment, "fee_charged_to_party", Decimal("1")),
    "seal number": lambda v: setattr(v.seals[0], "seal_no", "FS-001-J9"),
    "seal kind": lambda v: setattr(v.seals[0], "kind", SampleKind.BACKUP),
    "photo hash": lambda v: setattr(v.evidence[2], "sha256", sha(999)),
    "photo category": lambda v: setattr(v.evidence[2], "category", C.OTHER),
    "photo added": lambda v: v.evidence.append(EvidenceItem("e-new", C.OTHER, sha(998))),
    "signature image": lambda v: setattr(v.signatures[2], "image_sha256", sha(997)),
    "signer name": lambda v: setattr(v.signatures[2], "name", "孙经理"),
    "status": lambda v: setattr(v, "status", VisitStatus.FINISHED),
    "started_at": lambda v: setattr(v, "started_at", v.started_at + timedelta(seconds=1)),
    "waiver": lambda v: v.evidence_waivers.update(storage="无仓库"),
    "storage approval": lambda v: setattr(v.backup_storage, "approval_no", "晋市监批〔2022〕1号"),
    "remarks": lambda v: setattr(v, "remarks", "补记"),
    "sealing hash": lambda v: setattr(v, "sealing_hash", sha(5)),
}


@pytest.mark.parametrize("change", SIGNED_CHANGES.values(), ids=SIGNED_CHANGES.keys())
def test_any_signed_change_changes_the_hash(change):
    v = complete_visit()
    before = record_hash(v)
    change(v)
    assert record_hash(v) != before


def test_photo_hash_change_shows_in_photo_hashes():
    v = complete_visit()
    v.evidence[0].sha256 = sha(999)
    assert sha(999) in record_document(v)["photo_hashes"]
    assert sha(101) in record_document(v)["photo_hashes"]        # signature images too


def test_volatile_fields_do_not_change_the_hash():
    v = complete_visit()
    before = record_hash(v)
    v.step = "sign"
    v.back_stack = ["arrive", "party", "party"]
    v.record_hash = sha(1)
    v.amendments.append(Amendment("a", "sample.batch_no", "x", "y", "z"))
    assert record_hash(v) == before
    doc = record_document(v)
    assert not {"step", "back_stack", "record_hash", "amendments"} & set(doc)


def test_removed_photos_are_not_in_the_record():
    v = complete_visit()
    before = record_hash(v)
    v.evidence.append(EvidenceItem("e-bad", C.LABEL, sha(555), removed=True, note="拍糊了"))
    assert record_hash(v) == before
    assert sha(555) not in record_bytes(v).decode()


def test_floats_refused():
    v = complete_visit()
    v.sample.unit_price = 7.85
    with pytest.raises(TypeError, match="float"):
        record_hash(v)
    with pytest.raises(TypeError):
        canonical_bytes({"x": [1, 2.0]})


def test_naive_datetimes_refused():
    v = complete_visit()
    v.started_at = datetime(2022, 11, 15, 10, 30)
    with pytest.raises(ValueError, match="naive"):
        record_hash(v)


def test_same_instant_in_any_zone_hashes_the_same():
    a, b = complete_visit(), complete_visit()
    b.started_at = T0.astimezone(timezone.utc)
    assert record_hash(a) == record_hash(b)
    assert to_plain(date(2022, 11, 15)) == "2022-11-15"


def test_decimals_kept_as_text():
    assert to_plain(Decimal("31.40")) == "31.40"
    assert to_plain(Decimal("1E+3")) == "1000"
    with pytest.raises(TypeError):
        to_plain(object())


def test_full_round_trip_of_a_fully_populated_visit():
    v = fully_populated_visit()
    plain = to_plain(v, volatile=True)
    again = from_plain(Visit, json.loads(json.dumps(plain)))       # through real JSON text
    assert again == v
    assert record_hash(again) == record_hash(v)
    assert again.step == "sign" and again.back_stack == v.back_stack
    assert isinstance(again.sample.unit_price, Decimal) and again.sample.price_basis is PriceBasis.MARKED
    assert again.started_at.tzinfo is not None
    assert again.amendments[0].prev_hash == sha(300)


def signed_with_amendments(n: int = 2) -> Visit:
    v = complete_visit()
    v.status = VisitStatus.FINISHED
    v.record_hash = record_hash(v)
    prev = v.record_hash
    for i in range(n):
        a = Amendment(f"a-{i}", "sample.batch_no", f"old{i}", f"new{i}", "抄写笔误",
                      T0 + timedelta(days=1, minutes=i), prev, sha(400 + i))
        a.hash = amendment_hash(a)
        v.amendments.append(a)
        prev = a.hash
    return v


def test_chain_valid_for_untouched_chain():
    assert chain_valid(signed_with_amendments())
    assert chain_valid(signed_with_amendments(0))


@pytest.mark.parametrize("tamper", [
    lambda v: setattr(v.amendments[0], "new_value", "new0x"),
    lambda v: setattr(v.amendments[1], "party_signature_sha256", sha(1)),
    lambda v: setattr(v.amendments[1], "prev_hash", v.record_hash),
    lambda v: v.amendments.reverse(),
    lambda v: v.amendments.pop(0),
    lambda v: setattr(v.sample, "batch_no", "rewritten"),
    lambda v: setattr(v, "record_hash", ""),
], ids=["value", "confirmation", "relinked", "reordered", "dropped first", "record edited", "no hash"])
def test_chain_invalid_after_tampering(tamper):
    v = signed_with_amendments()
    tamper(v)
    assert not chain_valid(v)


def test_sealing_hash_binds_seals_and_sample_not_signatures():
    a = complete_visit()
    before = sealing_hash(a)
    a.signatures = []
    a.status = VisitStatus.FINISHED
    assert sealing_hash(a) == before
    b = replace(copy.deepcopy(a), seals=list(reversed(a.seals)))
    assert sealing_hash(b) == before
    b.seals[0].seal_no = "FS-001-X"
    assert sealing_hash(b) != before
    c = copy.deepcopy(a)
    c.sample.batch_no = "other"
    assert sealing_hash(c) != before


def test_canonical_hash_is_plain_sha256():
    assert canonical_hash({"a": "抽样"}) == hashlib.sha256('{"a":"抽样"}'.encode()).hexdigest()
