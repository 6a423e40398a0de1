"""Photo ingest: (store + hash + thumbnail of a 12-megapixel JPEG) against the
baseline (read the file + SHA-256 + Pillow draft decode of the same file),
measured side by side in one run. Target: ratio <= 1.5.

Each ingest repetition uses a fresh store so deduplication cannot make it
look cheaper than a first import."""
from __future__ import annotations

import hashlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.store.evidence import EvidenceStore  # noqa: E402
from benchmarks.common import MISSED, report  # noqa: E402

REPEAT = 9


def make_photo(path: Path, size=(4000, 3000)) -> int:
    """A JPEG that compresses like a photo: gradients, fractal detail and
    sensor-like noise (about 4-5 MB at quality 88)."""
    w, h = size
    noise = Image.effect_noise(size, 60)
    base = Image.linear_gradient("L").resize(size)
    r = Image.blend(base, noise, 0.5)
    g = Image.blend(base.transpose(Image.Transpose.ROTATE_90).resize(size),
                    noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 0.5)
    b = Image.blend(Image.effect_mandelbrot(size, (-2, -1.5, 1, 1.5), 60),
                    noise.transpose(Image.Transpose.FLIP_TOP_BOTTOM), 0.4)
    im = Image.merge("RGB", (r, g, b)).filter(ImageFilter.GaussianBlur(0.6))
    im.save(path, "JPEG", quality=88)
    return path.stat().st_size


def baseline(path: Path) -> None:
    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", (320, 320))
    im.load()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        photo = work / "photo.jpg"
        size = make_photo(photo)
        print(f"# photo 4000x3000 JPEG, {size / 1e6:.1f} MB", flush=True)
        base_t, ingest_t = [], []
        baseline(photo)  # warm the page cache and Pillow's plugins
        for i in range(REPEAT):
            t0 = time.perf_counter()
            baseline(photo)
            base_t.append(time.perf_counter() - t0)

            store = EvidenceStore(work / f"store{i}")
            t0 = time.perf_counter()
            store.put_file(photo)
            ingest_t.append(time.perf_counter() - t0)
            store.close()
            shutil.rmtree(store.root)
        b, s = statistics.median(base_t), statistics.median(ingest_t)
        print(f"# baseline {b * 1000:.1f} ms, ingest {s * 1000:.1f} ms (medians of {REPEAT})",
              flush=True)
        ok = report("photo_ingest_ratio", s / b, "x", "<=", 1.1,
                    baseline=f"ingest {s * 1000:.1f} ms / read+sha256+draft decode {b * 1000:.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else MISSED


if __name__ == "__main__":
    sys.exit(main())
