"""Seal QRs read back from rendered labels with a real decoder (zxing-cpp),
at the resolution of a 203 dpi thermal label printer."""
from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from app.domain.seal_payload import KeySigner, SealPayloadError, verify
from app.domain.visit import SampleKind
from forms import sampling_form, seal_labels
from tests.forms.conftest import render


def decode_all(png) -> list[str]:
    with Image.open(png) as img:
        return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))
                if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("size", [seal_labels.LABEL_100x70, seal_labels.LABEL_70x50], ids=lambda s: s.name)
def test_label_qr_decodes_at_203_dpi_and_verifies(size, demo, signer, tmp_path):
    pdf = seal_labels.build(demo, size)
    seals = demo.seals()
    for page, seal in enumerate(seals, 1):
        texts = decode_all(render(pdf, tmp_path, dpi=203, page=page))
        assert len(texts) == 1
        p = verify(texts[0], [signer.public_key_bytes()])
        assert (p.seal_no, p.kind, p.package_no, p.record_id) == (seal.seal_no, seal.kind, seal.package_no,
                                                                 demo.visit.id)
        assert p.sealed_at == seal.sealed_at


def test_a4_sheet_carries_every_seal(demo, signer, tmp_path):
    texts = decode_all(render(seal_labels.build(demo, seal_labels.A4_SHEET), tmp_path, dpi=150))
    decoded = {verify(t, [signer.public_key_bytes()]).seal_no for t in texts}
    assert decoded == {s.seal_no for s in demo.visit.seals}


def test_flipped_character_fails(demo, signer, tmp_path):
    text = decode_all(render(seal_labels.build(demo, seal_labels.LABEL_70x50), tmp_path, dpi=203))[0]
    for i in (2, 40, len(text) // 2, len(text) - 30, len(text) - 1):
        flipped = text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:]
        with pytest.raises(SealPayloadError):
            verify(flipped, [signer.public_key_bytes()])


def test_other_key_fails(demo, tmp_path):
    text = decode_all(render(seal_labels.build(demo, seal_labels.LABEL_70x50), tmp_path, dpi=203))[0]
    with pytest.raises(SealPayloadError) as e:
        verify(text, [KeySigner().public_key_bytes()])
    assert e.value.reason == "unknown_key"


def test_qr_fits_25mm_at_203_dpi(demo):
    """The measure behind "readable from a 25 mm square at 203 dpi": the
    symbol version, its modules in whole printer dots, and its printed size."""
    from forms import qr
    for text in demo.seal_payloads.values():
        rows, version = qr.matrix(text)
        n = len(rows)
        module = qr.module_size(n, seal_labels.QR_SIZE)
        dots = round(module / (72 / 203), 6)
        symbol_mm = n * module / 72 * 25.4
        assert version <= 7, f"payload needs QR version {version}"
        assert dots == int(dots) and dots >= 4, f"{dots} dots per module"
        assert symbol_mm <= 25, symbol_mm
    print(f"seal QR: version {version}, {n} modules, {dots:g} dots/module at 203 dpi, {symbol_mm:.1f} mm")


def test_sampling_form_qr_carries_record_id_and_hash(demo, tmp_path):
    texts = decode_all(render(sampling_form.build(demo), tmp_path, dpi=150))
    assert texts == [f"FSR1:{demo.visit.id}:{demo.visit.record_hash}"]


def test_blank_label_has_no_qr(tmp_path):
    from forms.context import DocumentContext
    assert decode_all(render(seal_labels.build(DocumentContext.blank_form()), tmp_path, dpi=203)) == []


def test_backup_labels_say_backup(demo, signer):
    kinds = [verify(t, [signer.public_key_bytes()]).kind for t in demo.seal_payloads.values()]
    assert sorted(k.value for k in kinds) == ["backup"] * 4 + ["test", "test"]   # B1, B2, F1, F2
    assert SampleKind.BACKUP in kinds


def test_drawn_modules_match_the_encoder_module_for_module(tmp_path):
    """The vector QR, rendered at the printer's 203 dpi, is the encoder's
    matrix module for module: not mirrored, flipped or shifted (a decoder
    alone would not tell: zxing-cpp reads mirrored codes too)."""
    import io

    from reportlab.pdfgen import canvas

    from forms import qr
    text = "FS1:" + "0123456789" * 12
    rows, _ = qr.matrix(text)
    n = len(rows)
    page, x, y, box = 200.0, 30.0, 40.0, 90.0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(page, page))
    qr.draw(c, text, x, y, box)
    c.save()
    m = qr.module_size(n, box)
    off = (box - n * m) / 2
    px = 203 / 72
    with Image.open(render(buf.getvalue(), tmp_path, dpi=203)) as img:
        grey = img.convert("L")
        drawn = [[grey.getpixel((round((x + off + (col + 0.5) * m) * px),
                                 round((page - (y + box - off) + (r + 0.5) * m) * px))) < 128
                  for col in range(n)] for r in range(n)]
    assert drawn == rows
