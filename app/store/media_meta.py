"""When and where a photo or video says it was taken, read from the stored
original without changing a byte: EXIF DateTimeOriginal (with
OffsetTimeOriginal when the camera wrote it) and the GPS position of a
photo (Pillow, header only), the creation time (mvhd) and ISO 6709 position
(udta/©xyz) of an MP4/MOV.

EXIF times without an offset are the camera's local time: taken as China
time (UTC+8), where the samplers work."""
from __future__ import annotations

import re
import struct
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from app.domain.times import CHINA
from app.store.imaging import IMAGE_FORMATS, sniff_video

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED, _OFFSET_ORIGINAL = 36867, 36868, 36881
_MP4_EPOCH = datetime(1904, 1, 1, tzinfo=timezone.utc)
_ISO6709 = re.compile(rb"([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")


@dataclass(frozen=True)
class MediaMeta:
    taken_at: datetime | None = None     # aware
    latitude: str = ""                   # decimal degrees as text ("" = unknown)
    longitude: str = ""


def read_meta(path: str | Path) -> MediaMeta:
    """The metadata of the file at `path`; an unreadable part is simply absent."""
    with open(path, "rb") as f:
        head = f.read(16)
        f.seek(0)
        try:
            return _video_meta(f) if sniff_video(head) else _image_meta(f)
        except (OSError, ValueError, struct.error, SyntaxError):
            return MediaMeta()


# --- photos ----------------------------------------------------------------

def _exif_time(text, offset) -> datetime | None:
    if isinstance(text, bytes):
        text = text.decode("ascii", "ignore")
    if not isinstance(text, str):
        return None
    try:
        naive = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None                      # "0000:00:00 00:00:00" and friends
    tz = CHINA
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d\d:\d\d", offset.strip("\x00 ")):
        o = offset.strip("\x00 ")
        sign = -1 if o[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(o[1:3]), minutes=int(o[4:6])))
    return naive.replace(tzinfo=tz)


def _degrees(dms, ref) -> float | None:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -value if str(ref).strip("\x00 ").upper() in ("S", "W") else value


def _position(lat: float | None, lon: float | None) -> tuple[str, str]:
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return "", ""
    return f"{lat:.6f}", f"{lon:.6f}"


def _image_meta(f: BinaryIO) -> MediaMeta:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = Image.open(f, formats=IMAGE_FORMATS)   # header only: no pixels decoded
        exif = im.getexif()
    sub = exif.get_ifd(_EXIF_IFD)
    taken = _exif_time(sub.get(_DATETIME_ORIGINAL) or sub.get(_DATETIME_DIGITIZED), sub.get(_OFFSET_ORIGINAL))
    gps = exif.get_ifd(_GPS_IFD)
    lat, lon = _position(_degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))) if gps else ("", "")
    return MediaMeta(taken, lat, lon)


# --- videos ----------------------------------------------------------------

def _boxes(f: BinaryIO, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        size, kind = struct.unpack(">I4s", f.read(8))
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", f.read(8))[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos + header, pos + size
        pos += size


def _child(f: BinaryIO, start: int, end: int, kind: bytes):
    return next(((s, e) for k, s, e in _boxes(f, start, end) if k == kind), None)


def _video_meta(f: BinaryIO) -> MediaMeta:
    f.seek(0, 2)
    moov = _child(f, 0, f.tell(), b"moov")
    if moov is None:
        return MediaMeta()
    taken = None
    mvhd = _child(f, *moov, b"mvhd")
    if mvhd is not None:
        f.seek(mvhd[0])
        version = f.read(4)[0]
        seconds = struct.unpack(">Q", f.read(8))[0] if version == 1 else struct.unpack(">I", f.read(4))[0]
        if seconds:
            taken = _MP4_EPOCH + timedelta(seconds=seconds)
    lat = lon = ""
    udta = _child(f, *moov, b"udta")
    xyz = _child(f, *udta, b"\xa9xyz") if udta is not None else None
    if xyz is not None:
        f.seek(xyz[0])
        m = _ISO6709.search(f.read(min(64, xyz[1] - xyz[0])))
        if m:
            lat, lon = _position(float(m.group(1)), float(m.group(2)))
    return MediaMeta(taken, lat, lon)
