"""The evidence store keeps originals byte for byte, derives oriented
thumbnails, and refuses files that are not whole, sane images."""
from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.store.evidence import EvidenceStore, PhotoRejected

REPO = Path(__file__).resolve().parents[2]


def photo_bytes(size=(640, 480), exif_orientation: int | None = None, quality=90) -> bytes:
    """A real JPEG with noisy content (so it is not trivially small)."""
    im = Image.merge("RGB", [Image.effect_noise(size, 50) for _ in range(3)])
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    im.save(out, "JPEG", quality=quality, **kwargs)
    return out.getvalue()


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def store(tmp_path):
    s = EvidenceStore(tmp_path / "evidence")
    yield s
    s.close()


def test_original_is_kept_byte_for_byte_under_its_sha256(store, tmp_path):
    data = photo_bytes((800, 600), exif_orientation=6)
    src = tmp_path / "IMG_0001.JPG"
    src.write_bytes(data)

    stored = store.put_file(src)

    sha = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == sha
    assert (stored.size, stored.media_type, stored.is_video) == (len(data), "image/jpeg", False)
    # Dimensions as encoded: the orientation tag is not applied to the original.
    assert (stored.width, stored.height) == (800, 600)
    assert store.path(sha).name == sha
    assert store.read(sha) == data
    assert store.exists(sha) and store.verify(sha)


def test_same_photo_is_stored_once(store, tmp_path):
    data = photo_bytes()
    first = store.put_bytes(data, "a.jpg")
    obj = store.path(first.sha256)
    mtime = obj.stat().st_mtime_ns
    src = tmp_path / "copy-of-a.jpg"
    src.write_bytes(data)

    second = store.put_file(src)

    assert second == first
    assert obj.stat().st_mtime_ns == mtime  # not rewritten
    assert list(store.iter_shas()) == [first.sha256]
    assert len(files_under(store.objects)) == 1


def test_thumbnail_is_small_and_honours_exif_orientation(store):
    # Left half red, right half blue, tagged "rotate 90° clockwise to view".
    im = Image.new("RGB", (1600, 800), "blue")
    im.paste((255, 0, 0), (0, 0, 800, 800))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif.tobytes())
    data = out.getvalue()

    stored = store.put_bytes(data, "label.jpg")

    thumb = Image.open(store.thumbnail(stored.sha256))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == 320
    assert thumb.height > thumb.width  # shown upright: portrait
    r, g, b = thumb.convert("RGB").getpixel((thumb.width // 2, 10))
    assert r > 200 and b < 60  # the red half is now on top
    r, g, b = thumb.convert("RGB").getpixel((thumb.width // 2, thumb.height - 10))
    assert b > 200 and r < 60
    # ... while the original keeps its bytes and its landscape pixels.
    assert store.read(stored.sha256) == data
    assert Image.open(store.path(stored.sha256)).size == (1600, 800)


def test_thumbnail_is_rebuilt_when_deleted(store):
    stored = store.put_bytes(photo_bytes((1200, 900)), "p.jpg")
    tp = store.thumbnail(stored.sha256)
    tp.unlink()
    again = store.thumbnail(stored.sha256)
    assert again == tp and Image.open(again).size == (320, 240)


def test_signature_png_is_evidence_too(store):
    sig = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    for x in range(50, 550):
        sig.putpixel((x, 100 + (x % 40) - 20), (0, 0, 0, 255))
    out = io.BytesIO()
    sig.save(out, "PNG")
    data = out.getvalue()

    stored = store.put_bytes(data, "signature.png")

    assert (stored.media_type, stored.width, stored.height) == ("image/png", 600, 200)
    assert store.read(stored.sha256) == data
    thumb = Image.open(store.thumbnail(stored.sha256)).convert("RGB")
    assert thumb.getpixel((2, 2)) > (240, 240, 240)  # transparency shown as paper


def fake_mp4(payload_size=3 * 1024 * 1024 + 7) -> bytes:
    ftyp = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 512, b"isomiso2")
    mdat = struct.pack(">I4s", payload_size + 8, b"mdat") + os.urandom(payload_size)
    return ftyp + mdat


def test_imported_video_is_stored_as_is_without_thumbnail(store, tmp_path):
    data = fake_mp4()
    src = tmp_path / "VID_0001.mp4"
    src.write_bytes(data)

    stored = store.put_file(src)

    assert stored.is_video and stored.media_type == "video/mp4"
    assert (stored.width, stored.height) == (None, None)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.read(stored.sha256) == data
    assert store.thumbnail(stored.sha256) is None
    assert store.put_file(src) == stored == store.describe(stored.sha256)
    assert files_under(store.tmp) == []


def test_quicktime_is_recognised(store):
    data = struct.pack(">I4s4sI", 20, b"ftyp", b"qt  ", 0) + b"\0" * 4 + os.urandom(1000)
    assert store.put_bytes(data, "clip.mov").media_type == "video/quicktime"


def assert_refused(store, code: str, name: str, call):
    with pytest.raises(PhotoRejected) as exc:
        call()
    problem = exc.value.problem
    assert problem.code == code
    assert problem.params["name"] == name
    assert name in problem.text("zh_CN") and name in problem.text("en")
    assert files_under(store.root) == []  # nothing written, no temp file left
    assert list(store.iter_shas()) == []


@pytest.mark.parametrize("cut", ["half", "last_bytes"])
def test_truncated_jpeg_is_refused(store, tmp_path, cut):
    data = photo_bytes((1600, 1200))
    data = data[: len(data) // 2] if cut == "half" else data[:-3]
    src = tmp_path / "broken.jpg"
    src.write_bytes(data)
    assert_refused(store, "photo.truncated", "broken.jpg", lambda: store.put_file(src))


def test_truncated_message_is_clear_chinese(store):
    data = photo_bytes()[:5000]
    with pytest.raises(PhotoRejected) as exc:
        store.put_bytes(data, "现场.jpg")
    assert exc.value.problem.text() == "图片文件不完整或已损坏：现场.jpg"


def test_truncated_progressive_jpeg_is_refused(store):
    im = Image.merge("RGB", [Image.effect_noise((1200, 900), 50) for _ in range(3)])
    out = io.BytesIO()
    im.save(out, "JPEG", progressive=True, quality=90)
    data = out.getvalue()
    assert_refused(store, "photo.truncated", "p.jpg",
                   lambda: store.put_bytes(data[: len(data) * 3 // 4], "p.jpg"))


def test_text_file_named_jpg_is_refused(store, tmp_path):
    src = tmp_path / "notes.jpg"
    src.write_text("这不是照片 / this is not a photo\n" * 20, encoding="utf-8")
    assert_refused(store, "photo.not_image", "notes.jpg", lambda: store.put_file(src))


def test_heic_brand_is_not_taken_for_a_video_and_is_named_heic(store):
    data = struct.pack(">I4s4sI", 20, b"ftyp", b"heic", 0) + b"\0" * 4 + os.urandom(500)
    assert_refused(store, "photo.heic", "IMG.HEIC", lambda: store.put_bytes(data, "IMG.HEIC"))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused(store, tmp_path):
    data = png_declaring(100_000, 100_000)
    assert len(data) < 200
    src = tmp_path / "bomb.png"
    src.write_bytes(data)
    assert_refused(store, "photo.too_large", "bomb.png", lambda: store.put_file(src))


def test_pixel_limit_is_our_own_not_only_pillows(tmp_path):
    # 12000 x 11000 = 132 MP: under Pillow's hard error (179 MP), over ours.
    store = EvidenceStore(tmp_path / "ev")
    try:
        assert_refused(store, "photo.too_large", "big.png",
                       lambda: store.put_bytes(png_declaring(12_000, 11_000), "big.png"))
        small = EvidenceStore(tmp_path / "ev2", max_pixels=100 * 100)
        assert_refused(small, "photo.too_large", "x.jpg",
                       lambda: small.put_bytes(photo_bytes((200, 200)), "x.jpg"))
        small.close()
    finally:
        store.close()


def test_verify_detects_a_changed_original(store):
    stored = store.put_bytes(photo_bytes(), "p.jpg")
    p = store.path(stored.sha256)
    raw = bytearray(p.read_bytes())
    raw[1000] ^= 0xFF
    p.write_bytes(bytes(raw))
    assert not store.verify(stored.sha256)
    assert not store.verify("0" * 64)


def test_names_other_than_a_sha256_are_refused(store):
    for bad in ["../../etc/passwd", "ABC", "g" * 64, "A" * 64]:
        with pytest.raises(ValueError):
            store.path(bad)


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from app.store.evidence import EvidenceStore
    store = EvidenceStore(Path(sys.argv[1]))
    base = Path(sys.argv[2]).read_bytes()
    i = int(sys.argv[4])
    while True:
        # Bytes after the JPEG end marker are ignored by decoders but change
        # the hash, and the long tail makes writing the bulk of each put.
        stored = store.put_bytes(base + i.to_bytes(8, "big") * (1 << 20), f"p{i}.jpg")
        print(stored.sha256, flush=True)
        i += 1
""")


def run_child_until_killed(root: Path, base: Path, start: int, after: int,
                           delay: float) -> list[str]:
    """Start the child, SIGKILL it `delay` seconds after it has reported
    `after` puts (so the kill lands at varying points of a put), and return
    every sha it reported."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(base), str(REPO),
                             str(start)],
                            stdout=subprocess.PIPE, text=True)
    reported = []
    try:
        for line in proc.stdout:
            reported.append(line.strip())
            if len(reported) == after:
                time.sleep(delay)
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    reported += [ln.strip() for ln in proc.stdout.read().splitlines() if ln.strip()]
    assert proc.returncode == -signal.SIGKILL
    return reported


def test_sigkill_during_many_puts_leaves_no_half_written_object(tmp_path):
    base = tmp_path / "base.jpg"
    base.write_bytes(photo_bytes((800, 600)))
    root = tmp_path / "ev"
    reported = []
    rng = random.Random(4)
    for round_ in range(10):
        reported += run_child_until_killed(root, base, start=round_ * 1000, after=2,
                                           delay=rng.uniform(0, 0.06))
    assert len(reported) >= 20

    objects = [p for p in (root / "objects").rglob("*") if p.is_file()
               and not p.name.startswith(".tmp-")]
    for p in objects:
        assert hashlib.sha256(p.read_bytes()).hexdigest() == p.name
    assert set(reported) <= {p.name for p in objects}

    store = EvidenceStore(root)
    try:
        store.sweep_temp(older_than_s=0)
        assert list(root.rglob(".tmp-*")) == []
        assert all(store.verify(s) for s in reported)
        # The store keeps working after the crash.
        again = store.put_bytes(base.read_bytes() + b"after", "after.jpg")
        assert store.verify(again.sha256)
    finally:
        store.close()
