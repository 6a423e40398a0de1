"""`field-sampler documents` and `field-sampler verify-seal` end to end:
files written, a label printed then scanned from its image, and the exit
status and reason for forged, altered and unknown seals."""
from __future__ import annotations

import base64
import json
import subprocess

import pytest

from app.cli import main
from app.domain.seal_payload import KeySigner
from forms.documents import DOCUMENTS


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["documents", "--demo", str(out)]) == 0
    return out


def payloads(demo_dir) -> list[str]:
    return [ln.split("\t")[1] for ln in (demo_dir / "seal_payloads.txt").read_text().splitlines()]


def test_demo_writes_every_document(demo_dir):
    for kind in DOCUMENTS:
        assert (demo_dir / f"{kind.value}.pdf").read_bytes().startswith(b"%PDF")
    assert len(payloads(demo_dir)) == 6        # J1, J2, B1, B2 and the 封存标识 F1, F2
    assert (demo_dir / "seal_labels_70x50.pdf").is_file() and (demo_dir / "seal_labels_a4.pdf").is_file()


def test_blank_writes_every_form(tmp_path):
    assert main(["documents", "--blank", str(tmp_path)]) == 0
    assert {p.stem for p in tmp_path.glob("*.pdf")} >= {k.value for k in DOCUMENTS}


def test_verify_from_label_image(demo_dir, tmp_path, capsys):
    subprocess.run(["pdftoppm", "-png", "-r", "203", "-f", "3", "-l", "3", "-singlefile",
                    str(demo_dir / "seal_labels_70x50.pdf"), str(tmp_path / "label")], check=True)
    key = demo_dir / "demo-device-public-key.pem"
    assert main(["verify-seal", "--public-key", str(key), "--image", str(tmp_path / "label.png")]) == 0
    out = capsys.readouterr().out
    assert "封条有效" in out and "SX0018-B1" in out and "备用样品" in out


def test_verify_text_and_failures(demo_dir, capsys):
    key = str(demo_dir / "demo-device-public-key.pem")
    text = payloads(demo_dir)[0]
    assert main(["verify-seal", "--public-key", key, text]) == 0
    altered = text[:-5] + str((int(text[-5]) + 1) % 10) + text[-4:]
    assert main(["verify-seal", "--public-key", key, altered]) != 0
    assert "封条无效" in capsys.readouterr().err
    other = tmp_key(demo_dir)
    assert main(["verify-seal", "--public-key", other, text]) == 3
    assert "未知设备密钥" in capsys.readouterr().err
    assert main(["verify-seal", "--public-key", key, "not-a-seal"]) == 2


def test_registry_of_enrolled_devices(demo_dir, tmp_path, capsys):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from app.domain.seal_payload import raw_public_key
    pem = (demo_dir / "demo-device-public-key.pem").read_bytes()
    raw = raw_public_key(load_pem_public_key(pem))
    registry = tmp_path / "devices.json"
    registry.write_text(json.dumps({"devices": [
        {"device_id": "d-1", "name": "李明的笔记本", "public_key": base64.b64encode(raw).decode()}]}))
    assert main(["verify-seal", "--keys", str(registry), payloads(demo_dir)[1]]) == 0
    assert "李明的笔记本" in capsys.readouterr().out


def test_image_without_qr(demo_dir, tmp_path):
    from PIL import Image
    Image.new("L", (200, 200), 255).save(tmp_path / "white.png")
    key = str(demo_dir / "demo-device-public-key.pem")
    assert main(["verify-seal", "--public-key", key, "--image", str(tmp_path / "white.png")]) == 2


def tmp_key(demo_dir) -> str:
    path = demo_dir / "other.pub"
    path.write_text(base64.b64encode(KeySigner().public_key_bytes()).decode())
    return str(path)
