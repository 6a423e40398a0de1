"""Memory stays bounded on hostile images, and unusual but genuine ones are
accepted (the laptop's store under the worst day, points 2 and 4)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.store.evidence import EvidenceStore
from app.store.imaging import PhotoRejected

ROOT = Path(__file__).resolve().parents[2]


def _zero_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of zeros, written by hand so that making it does not
    itself need the memory the test is about (466 KB for 119.9 MP)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
    raw = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)
    parts = [raw.compress(row) for _ in range(height)] + [raw.flush()]
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


# VmHWM (this process's peak RSS) rather than ru_maxrss, which a child
# inherits from the pytest process that forked it.
_PEAK = """
import json, sys
from app.store.evidence import EvidenceStore
from app.store.imaging import PhotoRejected
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
store = EvidenceStore(sys.argv[2])
before = hwm()
try:
    store.put_file(sys.argv[1])
    verdict = "accepted"
except PhotoRejected as e:
    verdict = e.problem.code
print(json.dumps({"verdict": verdict, "peak_mb": hwm(), "baseline_mb": before}))
"""


def _ingest_in_child(path: Path, store: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path), str(store)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_zero_filled_120_megapixel_png_is_refused_without_decoding_it(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_zero_png(12_000, 9_990))          # 119.9 MP
    assert path.stat().st_size < 1_000_000
    result = _ingest_in_child(path, tmp_path / "ev")
    print(f"\n120 MP zero PNG: {result}")                  # the measured peak, in the test log
    assert result["verdict"] == "photo.too_large"
    # The decode was never started: the process grew by far less than the
    # ~500 MB the pixels would take (it was 985 MB before the budget).
    assert result["peak_mb"] - result["baseline_mb"] < 64, result


def test_a_large_phone_jpeg_still_decodes_within_the_budget(tmp_path):
    path = tmp_path / "phone.jpg"
    Image.new("RGB", (8000, 6000), (120, 130, 140)).save(path, "JPEG", quality=70)   # 48 MP
    result = _ingest_in_child(path, tmp_path / "ev")
    print(f"\n48 MP JPEG: {result}")
    assert result["verdict"] == "accepted"
    assert result["peak_mb"] - result["baseline_mb"] < 150, result


@pytest.mark.parametrize("mode,fmt,bright", [("I;16", "PNG", 40_000), ("I", "TIFF", 70_000), ("F", "TIFF", 0.8)])
def test_high_bit_depth_greyscale_is_accepted_with_a_visible_thumbnail(tmp_path, mode, fmt, bright):
    im = Image.new(mode, (64, 48))
    im.paste(bright, (0, 0, 32, 48))                                 # left half bright
    buf = io.BytesIO()
    im.save(buf, fmt)
    store = EvidenceStore(tmp_path / "ev")
    stored = store.put_bytes(buf.getvalue(), f"scan.{fmt.lower()}")
    assert stored.media_type == f"image/{fmt.lower()}" and (stored.width, stored.height) == (64, 48)
    thumb = Image.open(io.BytesIO(store.thumbnail(stored.sha256).read_bytes()))
    assert thumb.getpixel((5, 20))[0] > thumb.getpixel((60, 20))[0]      # the bright half stays bright
    assert store.path(stored.sha256).read_bytes() == buf.getvalue()      # the original, byte for byte


def test_too_large_message_says_what_to_do(tmp_path):
    store = EvidenceStore(tmp_path / "ev", max_pixels=100 * 100)
    with pytest.raises(PhotoRejected) as e:
        store.put_bytes(_zero_png(200, 200), "big.png")
    text = e.value.problem.text("zh_CN")
    assert "big.png" in text and "重新" in text
