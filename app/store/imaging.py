"""Recognising evidence media and deriving thumbnails (Pillow only).

The evidence store keeps originals byte for byte; this module only looks at
them: it tells videos from images by their magic bytes, refuses what is not a
whole, reasonably sized image, and makes the thumbnail from the same decode
(JPEG draft mode, so a 12-megapixel photo is decoded at 1/8 scale).
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from app.domain.messages import Problem

# Well above phone and camera photos (12-108 MP); far below what a
# decompression bomb declares. Checked before any pixel is decoded.
DEFAULT_MAX_PIXELS = 120_000_000
THUMB_PX = 320
# What one decode may take in memory, checked from the header before any
# pixel is decoded. JPEGs decode at 1/8 scale (draft) and stay far below it;
# a PNG or TIFF decodes at full size, so a 466 KB zero-filled 120-megapixel
# PNG would take ~500 MB: refused. 40 megapixels of 8-bit RGBA still fit.
MAX_DECODE_BYTES = 160 * 1024 * 1024
# Bytes per pixel of Pillow's in-memory image by mode (RGB is stored as RGBX).
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "LA": 4, "PA": 4, "La": 4, "RGB": 4, "RGBA": 4, "RGBX": 4,
               "RGBa": 4, "CMYK": 4, "YCbCr": 4, "LAB": 4, "HSV": 4, "I": 4, "F": 4,
               "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}

# Formats we accept as photos (and signature PNGs); nothing else is tried.
# (Multi-picture JPEGs open through the JPEG plugin and come back as "MPO".)
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
_MEDIA_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png",
                "WEBP": "image/webp", "TIFF": "image/tiff", "BMP": "image/bmp",
                "GIF": "image/gif"}
# ISO-BMFF brands that are still images (HEIF/AVIF), not videos.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# Top-level QuickTime atoms an old .mov may start with instead of "ftyp".
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


class PhotoRejected(Exception):
    """A file that may not become evidence; `problem` carries the message
    code (photo.not_image / photo.truncated / photo.too_large) for the UI."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.text("en"))


def reject(code: str, name: str) -> PhotoRejected:
    return PhotoRejected(Problem(code, field="photo", params={"name": name}))


def sniff_video(head: bytes) -> str | None:
    """Media type of an MP4/MOV file from its first 12+ bytes, else None.
    No decoding: imported videos are stored as they are."""
    if len(head) < 12:
        return None
    box = head[4:8]
    if box == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if box in _QT_ATOMS:
        return "video/quicktime"
    return None


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    width: int           # pixels as encoded (before EXIF orientation)
    height: int
    thumbnail: bytes     # JPEG, oriented per EXIF, long side <= THUMB_PX


def _open(data: bytes, name: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own limit below decides; Pillow's default warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:
        raise reject("photo.too_large", name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if data[4:8] == b"ftyp" and data[8:12] in _IMAGE_BRANDS:
            raise reject("photo.heic", name) from None     # said by name: the sampler can fix it
        raise reject("photo.not_image", name) from None
    w, h = im.size
    if w <= 0 or h <= 0:
        raise reject("photo.not_image", name)
    if w * h > max_pixels:
        raise reject("photo.too_large", name)
    return im


def inspect_image(data: bytes, name: str, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                  thumb_px: int = THUMB_PX) -> ImageInfo:
    """Decode `data` once (draft mode for JPEG) to prove it is a whole image
    and to make its thumbnail. Raises PhotoRejected."""
    im = _open(data, name, max_pixels)
    fmt, (w, h) = im.format, im.size
    if fmt in ("JPEG", "MPO"):
        # Decodes at 1/2..1/8 scale, yet libjpeg still reads every scan to
        # the end, so a missing tail is still noticed by load().
        im.draft("RGB", (thumb_px, thumb_px))
    dw, dh = im.size                      # what load() will allocate (after draft)
    if dw * dh * _MODE_BYTES.get(im.mode, 8) > MAX_DECODE_BYTES:
        raise reject("photo.too_large", name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
    except Image.DecompressionBombError:
        raise reject("photo.too_large", name) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise reject("photo.truncated", name) from None
    return ImageInfo(_MEDIA_TYPES[fmt], w, h, make_thumbnail(im, thumb_px))


def make_thumbnail(im: Image.Image, thumb_px: int = THUMB_PX) -> bytes:
    """JPEG thumbnail of a loaded image; EXIF orientation applied here only."""
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        # 16-bit and 32-bit greyscale (scanners, some PNG exports): scale the
        # samples to 8 bits; Pillow cannot resample or convert them to RGB.
        im = _to_8bit(im)
    im.thumbnail((thumb_px, thumb_px), Image.Resampling.BILINEAR, reducing_gap=2.0)
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
        # Signatures are drawn on transparency: put them on white paper.
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, "white")
        im.paste(rgba, mask=rgba.getchannel("A"))
    elif im.mode != "RGB":
        im = im.convert("RGB")
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def _to_8bit(im: Image.Image) -> Image.Image:
    exif = im.info.get("exif")
    wide = im.convert("I") if im.mode.startswith("I;16") else im
    lo, hi = wide.getextrema()
    span = (hi - lo) or 1                # stretched to 0..255: only the thumbnail sees this
    out = wide.point(lambda v: (v - lo) * 255 / span).convert("L")
    if exif:
        out.info["exif"] = exif
    return out


def header_info(data_head: io.BufferedIOBase | bytes, name: str = "") -> tuple[str, int, int]:
    """(media type, width, height) from a stored image's header only."""
    fp = io.BytesIO(data_head) if isinstance(data_head, bytes) else data_head
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        im = Image.open(fp, formats=IMAGE_FORMATS)
    return _MEDIA_TYPES[im.format], im.size[0], im.size[1]
