"""Documents of a real stored visit: assembled from the store, signature
images embedded, seal QR read back from the rendered labels and verified
with this device's public key."""
from __future__ import annotations

import subprocess

import zxingcpp
from PIL import Image

from app.domain.seal_payload import verify
from app.services import documents
from app.services.device_key import DeviceKey
from tests.conftest import signature_png
from tests.forms.conftest import compact, pdftotext
from tests.scenarios import complete_visit


def test_document_set_of_a_finished_visit(seeded, make_jpeg, memory_keyring, tmp_path):
    v = complete_visit(seeded, make_jpeg, signature_png)
    names = [n.kind.value for n in documents.documents_to_leave(v)]
    assert names == ["inspection_notice", "sampling_form", "feedback_form", "payment_slip", "seal_labels"]
    assert all(n.ready for n in documents.documents_to_leave(v))
    pdfs = documents.build_set(seeded, v.id, label_size="70x50")
    assert set(pdfs) == set(names)
    form = compact(pdftotext(pdfs["sampling_form"]))
    for text in (v.record_no, "太原市迎泽区某某加油站有限公司", "车用汽油", "20221114-02", v.record_hash[:16]):
        assert compact(text) in form
    slip = compact(pdftotext(pdfs["payment_slip"]))
    assert "15.70" in slip and "壹拾伍元柒角" in slip

    # Seal labels: decode every QR from the rendered page and verify it.
    (tmp_path / "labels.pdf").write_bytes(pdfs["seal_labels"])
    subprocess.run(["pdftoppm", "-png", "-r", "203", str(tmp_path / "labels.pdf"), str(tmp_path / "l")], check=True)
    public = DeviceKey.load().public_key_bytes()
    seen = set()
    for png in sorted(tmp_path.glob("l*.png")):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            payload = verify(result.text, [public])
            seen.add(payload.seal_no)
            assert payload.record_id == v.id
    assert seen == {s.seal_no for s in v.seals}


def test_blank_forms_for_paper_fallback():
    pdf = documents.blank("sampling_form")
    assert "抽样单" in pdftotext(pdf)
