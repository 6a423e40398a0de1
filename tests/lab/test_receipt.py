"""Receipt over HTTP against the real server, with real seals printed by the
laptop (and crafted ones): each red case is shown with its reason and
refused — forged, swapped, re-printed, duplicate, signed after revocation,
unknown device — unless a lab manager overrides it with a written reason;
a device revoked after sealing still verifies, with a note; a rejection
needs a reason, prints its letter and reaches the province's problem list;
a seal scanned before its record synced is kept as record pending and
reconciled when the record arrives."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.domain.seal_payload import KeySigner, encode, payload_for_seal
from app.services.device_key import DeviceKey
from sync.server.audit.models import AuditEntry
from sync.server.devices import service as devices
from sync.server.devices.models import Device
from sync.server.lab.models import BlindSample, LabSample
from tests.lab.conftest import accept, csrf_of, sample_id_of, scan
from tests.lab.test_lab_browser import pdftext


class ForgedSigner:
    """Claims the laptop's key id, signs with another key."""

    def __init__(self, claimed: bytes):
        self.claimed, self.key = claimed, Ed25519PrivateKey.generate()

    def public_key_bytes(self) -> bytes:
        return self.claimed

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


def verdict(page) -> tuple[str, list[str], str]:
    state = re.search(r'id="verdict" data-state="(\w+)"', page.text).group(1)
    found = re.findall(r'data-finding="(\w+)"', page.text)
    return state, found, page.text


@pytest.fixture(scope="module")
def visits(lab_world, tmp_path_factory):
    """Two synced petrol/diesel visits and their printed seals."""
    tmp = tmp_path_factory.mktemp("seals")
    a = lab_world.laptop.finish("2022-4-11")
    b = lab_world.laptop.finish("2022-4-10")
    return {"a": a, "b": b, "a_seals": lab_world.laptop.seal_payloads(a.id, tmp),
            "b_seals": lab_world.laptop.seal_payloads(b.id, tmp)}


def test_forged_with_another_key_is_refused_until_a_manager_overrides(lab_world, visits):
    a = visits["a"]
    seal = next(s for s in a.seals if s.kind.value == "test")
    forged = encode(payload_for_seal(a, seal, a.sealing_hash), ForgedSigner(DeviceKey.load().public_key_bytes()))
    with lab_world.signed_in("lab") as c:
        page = scan(c, forged)
        state, found, html = verdict(page)
        assert state == "red" and "forged" in found and "伪造" in html
        sid = sample_id_of(page)
        r = accept(c, sid)
        assert r.status_code == 303
        assert "拒绝接收" in c.get(r.headers["location"]).text                 # refused, with the reason
        assert 'id="override-submit"' not in page.text                          # a sample manager cannot override
        r = c.post(f"/console/lab/samples/{sid}/override", data={"csrf": csrf_of(page.text), "reason": "核实无误"})
        assert r.status_code == 403
    with lab_world.signed_in("labmanager") as c:
        page = c.get(f"/console/lab/samples/{sid}/receipt")
        assert 'id="override-submit"' in page.text
        r = c.post(f"/console/lab/samples/{sid}/override", data={"csrf": csrf_of(page.text), "reason": ""})
        assert "必须写明理由" in c.get(r.headers["location"]).text
        r = c.post(f"/console/lab/samples/{sid}/override",
                   data={"csrf": csrf_of(page.text), "reason": "已电话核实抽样组，标签为现场补打，样品封条完好"})
        assert r.status_code == 303
        assert accept(c, sid).status_code == 303
    db = lab_world.db()
    with db.session() as s:
        sample = s.get(LabSample, sid)
        assert sample.status == "accepted" and sample.override_by == "labmanager"
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "lab.override",
                                                 AuditEntry.target == seal.seal_no)) is not None
    db.close()


def test_unknown_device_is_refused(lab_world, visits):
    a = visits["a"]
    seal = next(s for s in a.seals if s.kind.value == "backup")
    with lab_world.signed_in("lab") as c:
        page = scan(c, encode(payload_for_seal(a, seal, a.sealing_hash), KeySigner()))
        state, found, html = verdict(page)
        assert state == "red" and found[0] == "unknown_device" and "未知设备" in html
        r = accept(c, sample_id_of(page))
        assert "拒绝接收" in c.get(r.headers["location"]).text


def test_a_valid_seal_of_another_sample_is_swapped(lab_world, visits):
    a, b = visits["a"], visits["b"]
    b_test = next(s for s in b.seals if s.kind.value == "test").seal_no
    with lab_world.signed_in("lab") as c:
        page = c.get("/console/lab/receive")
        r = c.post("/console/lab/scan", data={"csrf": csrf_of(page.text), "payload": f"FSR1:{a.id}:{a.record_hash}"})
        assert r.headers["location"] == f"/console/lab/receive?form={a.id}"       # the form scanned first
        page = c.get(r.headers["location"])
        assert a.record_no in page.text and f'name="expected" value="{a.id}"' in page.text
        page = scan(c, visits["b_seals"][b_test], expected=a.id)
        state, found, html = verdict(page)
        assert state == "red" and "swapped" in found
        assert a.record_no in html and "调换" in html
        r = accept(c, sample_id_of(page))
        assert "拒绝接收" in c.get(r.headers["location"]).text


def test_a_reprinted_seal_vouching_for_an_older_sealing_hash_is_refused(lab_world, visits):
    b = visits["b"]
    seal = next(s for s in b.seals if s.kind.value == "backup")
    before_change = replace(b.sample, batch_no="20221114-01")          # printed before the batch number was corrected
    from app.domain.record import sealing_hash
    old_hash = sealing_hash(replace(b, sample=before_change))
    assert old_hash != b.sealing_hash
    reprint = encode(payload_for_seal(b, seal, old_hash), DeviceKey.load())
    with lab_world.signed_in("lab") as c:
        page = scan(c, reprint)
        state, found, html = verdict(page)
        assert state == "red" and found == ["reprinted"] and "重新打印" in html
        assert old_hash[:16] in html and b.sealing_hash[:16] in html
        r = accept(c, sample_id_of(page))
        assert "拒绝接收" in c.get(r.headers["location"]).text


def test_the_second_receipt_of_a_seal_is_a_duplicate(lab_world, visits):
    b = visits["b"]
    test_seal = next(s for s in b.seals if s.kind.value == "test").seal_no
    with lab_world.signed_in("lab") as c:
        page = scan(c, visits["b_seals"][test_seal])
        assert verdict(page)[0] == "ok"
        first = sample_id_of(page)
        assert accept(c, first).status_code == 303
        page = scan(c, visits["b_seals"][test_seal])
        state, found, html = verdict(page)
        assert state == "red" and found == ["duplicate"] and "重复接收" in html
        assert sample_id_of(page) != first
        r = accept(c, sample_id_of(page))
        assert "拒绝接收" in c.get(r.headers["location"]).text


def test_revocation_before_and_after_the_seal_time(lab_world):
    signer = KeySigner()
    device_id = lab_world.enroll("sampler2", signer.public_key_bytes())
    db = lab_world.db()
    with db.session() as s:
        devices.revoke(session=s, device_id=device_id, actor="province")
        revoked_at = s.get(Device, device_id).revoked_at
    db.close()
    from app.domain.seal_payload import SealPayload
    from app.domain.visit import SampleKind
    before = SealPayload(seal_no="X-LOST-J1", record_id="4d0f6a0e-2b9b-4c51-9a57-0d9a6f3c2e11", kind=SampleKind.TEST,
                         sealed_at=(revoked_at - timedelta(hours=3)).replace(microsecond=0), hash_prefix="00" * 8)
    after = replace(before, seal_no="X-LOST-J2", sealed_at=(revoked_at + timedelta(hours=1)).replace(microsecond=0))
    with lab_world.signed_in("lab") as c:
        page = scan(c, encode(before, signer))
        state, found, html = verdict(page)
        assert state == "ok" and set(found) == {"revoked_later", "record_pending"} and "仍然有效" in html
        page = scan(c, encode(after, signer))
        state, found, html = verdict(page)
        assert state == "red" and "signed_after_revocation" in found and "晚于该设备的停用时间" in html
        r = accept(c, sample_id_of(page))
        assert "拒绝接收" in c.get(r.headers["location"]).text


def test_a_rejection_needs_a_reason_prints_its_letter_and_reaches_the_province(lab_world, visits):
    a = visits["a"]
    backup = next(s for s in a.seals if s.kind.value == "backup").seal_no
    with lab_world.signed_in("lab") as c:
        page = scan(c, visits["a_seals"][backup])
        sid = sample_id_of(page)
        r = accept(c, sid, decision="reject", reason="", checks=False)
        assert "拒收必须书面说明理由" in c.get(r.headers["location"]).text
        r = accept(c, sid, decision="accept", checks=False)
        assert "三项都确认" in c.get(r.headers["location"]).text
        reason = "封条一角撕裂，瓶口有渗漏，无法确认样品未被调换"
        r = accept(c, sid, decision="reject", reason=reason, checks=False)
        assert r.headers["location"] == f"/console/lab/samples/{sid}"
        pdf = c.get(f"/console/lab/samples/{sid}/rejection.pdf")
        text = pdftext(pdf.content)
        for expected in ("产品质量监督抽查样品拒收通知书", a.record_no, backup, "车用汽油", a.party.name, reason, "■否"):
            assert expected in text, expected
    with lab_world.signed_in("province") as c:
        html = c.get("/console/followups").text
        assert f'data-sample="{sid}"' in html and reason in html
        assert c.get(f"/console/lab/samples/{sid}/rejection.pdf").status_code == 200
    with lab_world.signed_in("agency2") as c:                # another agency's admin does not see it
        assert f'data-sample="{sid}"' not in c.get("/console/followups").text


def test_a_seal_scanned_before_its_record_synced_is_reconciled_when_it_arrives(lab_world, tmp_path):
    v = lab_world.laptop.finish("2022-4-18", sync=False)          # 羽绒服装 at a shop: not synced yet
    seals = lab_world.laptop.seal_payloads(v.id, tmp_path)
    test_seal = next(s for s in v.seals if s.kind.value == "test").seal_no
    with lab_world.signed_in("lab") as c:
        page = scan(c, seals[test_seal])
        state, found, html = verdict(page)
        assert state == "ok" and found == ["record_pending"] and 'id="pending"' in html
        sid = sample_id_of(page)
        assert accept(c, sid).status_code == 303
        assert "记录待同步" in c.get(f"/console/lab/samples/{sid}").text
    db = lab_world.db()
    with db.session() as s:
        sample = s.get(LabSample, sid)
        assert sample.record_id is None and sample.blind_id is not None
        assert s.get(BlindSample, sample.blind_id).product == ""
    db.close()
    lab_world.laptop.sync()                                        # the laptop comes back online
    db = lab_world.db()
    with db.session() as s:
        sample = s.get(LabSample, sid)
        assert sample.record_id is not None and sample.findings == []
        assert s.get(BlindSample, sample.blind_id).product == "羽绒服装"
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "lab.reconcile")) is not None
    db.close()
    with lab_world.signed_in("lab") as c:
        html = c.get(f"/console/lab/samples/{sid}").text
        assert v.record_no in html and v.party.name in html and "记录待同步" not in html


def test_another_agencys_lab_cannot_receive_or_see_these_samples(lab_world, visits):
    a = visits["a"]
    test_seal = next(s for s in a.seals if s.kind.value == "test").seal_no
    with lab_world.signed_in("lab2") as c:
        page = scan(c, visits["a_seals"][test_seal])
        state, found, html = verdict(page)
        assert state == "red" and "other_agency" in found
        assert a.party.name not in html and 'data-field="record_no"' not in html     # no record summary
        assert 'id="override-submit"' not in html
        listing = c.get("/console/lab").text
        assert a.party.name not in listing and "车用汽油" not in listing
    db = lab_world.db()
    with db.session() as s:
        theirs = s.scalars(select(LabSample.id).where(LabSample.agency_id == "agency-demo",
                                                      LabSample.status == "accepted")).all()
        code = s.scalar(select(BlindSample.code).where(BlindSample.agency_id == "agency-demo").limit(1))
    db.close()
    with lab_world.signed_in("lab2") as c:
        for sid in theirs:
            for path in (f"/console/lab/samples/{sid}", f"/console/lab/samples/{sid}/custody.pdf",
                         f"/console/lab/samples/{sid}/label.pdf"):
                assert c.get(path).status_code == 404, path
        assert c.get(f"/console/lab/blind/{code}").status_code == 404
        assert code not in c.get("/console/lab/bench").text


def test_a_photo_of_the_seal_is_decoded_on_the_server(lab_world, tmp_path):
    import io
    import subprocess

    from PIL import Image

    from app.services import documents
    from tests.conftest import jpeg_bytes
    v = lab_world.laptop.finish("2022-4-18")
    (tmp_path / "labels.pdf").write_bytes(documents.build_pdf(lab_world.laptop.ws, v.id, "seal_labels"))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "labels.pdf"),
                    str(tmp_path / "label")], check=True)
    photo = io.BytesIO()
    Image.open(tmp_path / "label.png").convert("RGB").rotate(8, expand=True, fillcolor="white").save(
        photo, "JPEG", quality=85)                        # a phone picture: tilted, compressed
    with lab_world.signed_in("lab") as c:
        page = c.get("/console/lab/receive")
        r = c.post("/console/lab/scan/photo", data={"csrf": csrf_of(page.text), "expected": ""},
                   files={"photo": ("seal.jpg", photo.getvalue(), "image/jpeg")})
        assert r.status_code == 303 and r.headers["location"].endswith("/receipt")
        state, found, html = verdict(c.get(r.headers["location"]))
        assert state == "ok" and found == [] and v.record_no in html and v.party.name in html
        r = c.post("/console/lab/scan/photo", data={"csrf": csrf_of(page.text), "expected": ""},
                   files={"photo": ("shelf.jpg", jpeg_bytes(3), "image/jpeg")})
        assert "没有找到封条二维码" in c.get(r.headers["location"]).text
        r = c.post("/console/lab/scan/photo", data={"csrf": csrf_of(page.text), "expected": ""},
                   files={"photo": ("notes.txt", b"hello", "text/plain")})
        assert "不是 JPEG 或 PNG 照片" in c.get(r.headers["location"]).text
