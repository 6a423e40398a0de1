"""Content-addressed evidence store: photos, imported videos and signature
PNGs, kept byte for byte under their SHA-256.

Layout under `root`:
    objects/ab/<sha256>      the original, never modified
    thumbs/ab/<sha256>.jpg   derived thumbnail (may be deleted and rebuilt)
    tmp/                     partial copies of streamed videos

An object only ever appears under its final name fully written and synced
(temp file + fsync + os.replace + fsync of the folder), and only after the
file was accepted, so a crash or a refused file leaves no half object.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from app.store.imaging import (DEFAULT_MAX_PIXELS, THUMB_PX, PhotoRejected, header_info,
                               inspect_image, reject, sniff_video)

__all__ = ["EvidenceStore", "StoredPhoto", "PhotoRejected"]

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_TMP_PREFIX = ".tmp-"
_CHUNK = 1 << 20
# Images are decoded from memory; anything bigger than this that is not a
# video is not a photo we want to hold in RAM.
MAX_IMAGE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    size: int                 # bytes of the original
    media_type: str           # image/jpeg, image/png, video/mp4, ...
    width: int | None         # encoded pixels (EXIF orientation not applied); None for video
    height: int | None
    is_video: bool = False


def _fsync_dir(path: Path) -> None:
    """Make a rename or new entry in `path` durable (no-op on Windows,
    where directories cannot be opened for fsync)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class EvidenceStore:
    def __init__(self, root: Path | str, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                 thumb_px: int = THUMB_PX):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.thumbs = self.root / "thumbs"
        self.tmp = self.root / "tmp"
        self.max_pixels = max_pixels
        self.thumb_px = thumb_px
        for d in (self.objects, self.thumbs, self.tmp):
            d.mkdir(parents=True, exist_ok=True)
        # One worker: the original is written and fsynced while the same
        # bytes are being decoded (both release the GIL).
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-io")

    def close(self) -> None:
        self._io.shutdown(wait=True)

    # ---- naming -------------------------------------------------------
    @staticmethod
    def _check(sha: str) -> str:
        if not isinstance(sha, str) or not _SHA_RE.match(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
        return sha

    def path(self, sha: str) -> Path:
        self._check(sha)
        return self.objects / sha[:2] / sha

    def thumb_path(self, sha: str) -> Path:
        self._check(sha)
        return self.thumbs / sha[:2] / f"{sha}.jpg"

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def verify(self, sha: str) -> bool:
        """Rehash the stored original: True only if it is present and intact."""
        p = self.path(sha)
        if not p.is_file():
            return False
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                h.update(chunk)
        return h.hexdigest() == sha

    def iter_shas(self) -> Iterator[str]:
        for sub in sorted(self.objects.iterdir()):
            if sub.is_dir():
                for p in sorted(sub.iterdir()):
                    if _SHA_RE.match(p.name):
                        yield p.name

    # ---- ingest -------------------------------------------------------
    def put_bytes(self, data: bytes, name: str = "") -> StoredPhoto:
        """Store `data` (a photo, video or signature PNG) unless refused."""
        data = bytes(data)
        video_type = sniff_video(data[:16])
        if video_type:
            sha = hashlib.sha256(data).hexdigest()
            if self.exists(sha):
                return self.describe(sha)
            self._write_object(sha, data)
            return StoredPhoto(sha, len(data), video_type, None, None, True)
        # Hash and write the temp copy on the io thread while this one
        # decodes (both release the GIL): ingest costs about the decode. The
        # copy becomes the object only if the decode accepts the image.
        pending = self._io.submit(self._hash_and_write_temp, data)
        try:
            info = inspect_image(data, name, max_pixels=self.max_pixels, thumb_px=self.thumb_px)
        except BaseException:
            self._discard(pending)
            raise
        sha, tmp = pending.result()
        if tmp is None:                  # stored before: the same bytes, nothing new to write
            return self.describe(sha)
        # The thumbnail is written before the original is published: a disk
        # that fills in between leaves neither an object nothing refers to
        # nor a temp file (both temps are removed on the way out).
        try:
            thumb_tmp = self._write_thumb_temp(sha, info.thumbnail)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        try:
            self._publish(tmp, self.path(sha))
        except BaseException:
            tmp.unlink(missing_ok=True)
            thumb_tmp.unlink(missing_ok=True)
            raise
        os.replace(thumb_tmp, self.thumb_path(sha))
        return StoredPhoto(sha, len(data), info.media_type, info.width, info.height, False)

    def put_file(self, path: Path | str, name: str | None = None) -> StoredPhoto:
        """Store the file at `path`; the name shown in messages defaults to
        its file name. Videos are streamed (hashed while copied), images are
        read once into memory and decoded from there."""
        path = Path(path)
        name = name if name is not None else path.name
        with open(path, "rb") as f:
            head = f.read(16)
            if sniff_video(head):
                return self._put_stream(f, head)
            size = os.fstat(f.fileno()).st_size
            if size > MAX_IMAGE_BYTES:
                raise reject("photo.too_large", name)
            data = head + f.read()
        return self.put_bytes(data, name)

    def _put_stream(self, f: BinaryIO, head: bytes) -> StoredPhoto:
        h = hashlib.sha256(head)
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(), dir=self.tmp)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(head)
                size = len(head)
                for chunk in iter(lambda: f.read(_CHUNK), b""):
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = h.hexdigest()
            if not self.exists(sha):
                self._publish(tmp, self.path(sha))
        finally:
            tmp.unlink(missing_ok=True)
        return StoredPhoto(sha, size, sniff_video(head) or "video/mp4", None, None, True)

    def describe(self, sha: str) -> StoredPhoto:
        """Metadata of a stored object, read from its header only."""
        p = self.path(sha)
        size = p.stat().st_size
        with open(p, "rb") as f:
            head = f.read(16)
            video_type = sniff_video(head)
            if video_type:
                return StoredPhoto(sha, size, video_type, None, None, True)
            f.seek(0)
            media_type, w, h = header_info(f)
        return StoredPhoto(sha, size, media_type, w, h, False)

    # ---- thumbnails ---------------------------------------------------
    def thumbnail(self, sha: str) -> Path | None:
        """Path of the JPEG thumbnail, rebuilt if missing; None for videos
        (the UI shows an icon) and for unknown objects."""
        tp = self.thumb_path(sha)
        if tp.is_file() and tp.stat().st_size > 0:
            return tp
        if not self.exists(sha):
            return None
        data = self.read(sha)
        if sniff_video(data[:16]):
            return None
        try:
            info = inspect_image(data, sha, max_pixels=self.max_pixels, thumb_px=self.thumb_px)
        except PhotoRejected:
            return None
        self._write_thumb(sha, info.thumbnail)
        return tp

    def _write_thumb(self, sha: str, jpeg: bytes) -> None:
        os.replace(self._write_thumb_temp(sha, jpeg), self.thumb_path(sha))

    def _write_thumb_temp(self, sha: str, jpeg: bytes) -> Path:
        # Derived data: atomic rename but no fsync; a damaged thumbnail is
        # simply rebuilt from the original.
        tp = self.thumb_path(sha)
        tp.parent.mkdir(exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(), dir=tp.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(jpeg)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return Path(tmp_name)

    # ---- durable writes -----------------------------------------------
    def _object_dir(self, sha: str) -> Path:
        d = self.objects / sha[:2]
        if not d.is_dir():
            d.mkdir(exist_ok=True)
            _fsync_dir(self.objects)
        return d

    def _write_temp(self, sha: str, data: bytes) -> Path:
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(), dir=self._object_dir(sha))
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return Path(tmp_name)

    def _hash_and_write_temp(self, data: bytes) -> tuple[str, Path | None]:
        """(sha, temp copy); no copy when the object is already stored."""
        sha = hashlib.sha256(data).hexdigest()
        return sha, (None if self.exists(sha) else self._write_temp(sha, data))

    @staticmethod
    def _discard(pending) -> None:
        try:
            _sha, tmp = pending.result()
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass

    def _publish(self, tmp: Path, final: Path) -> None:
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    def _write_object(self, sha: str, data: bytes) -> None:
        self._publish(self._write_temp(sha, data), self.path(sha))

    def sweep_temp(self, older_than_s: float = 3600.0, *, is_alive=None) -> int:
        """Delete temp files left by a killed process (call at start-up).
        A temp file carries its writer's pid: one whose writer is gone goes
        at once; one whose writer may still be running (another window on
        this folder, or a pid now used by another program) or that carries
        no pid goes once it is older than `older_than_s`. Returns how many
        were removed."""
        alive = is_alive or _pid_alive
        cutoff = time.time() - older_than_s
        removed = 0
        dirs = [self.tmp, *(d for d in self.objects.iterdir() if d.is_dir()),
                *(d for d in self.thumbs.iterdir() if d.is_dir())]
        for d in dirs:
            for p in d.glob(_TMP_PREFIX + "*"):
                pid = _writer_pid(p.name)
                try:
                    stale = p.stat().st_mtime <= cutoff
                    if stale or (pid is not None and pid != os.getpid() and not alive(pid)):
                        p.unlink()
                        removed += 1
                except FileNotFoundError:
                    pass
        return removed


def _tmp_prefix() -> str:
    return f"{_TMP_PREFIX}{os.getpid()}-"


def _writer_pid(name: str) -> int | None:
    head = name[len(_TMP_PREFIX):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return True              # no cheap check here: the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True              # someone else's process: alive
    return True
