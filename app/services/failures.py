"""What a sampler is told when something outside the rules goes wrong: disk
full, a file gone or unreadable, a format we cannot read. Every error class
becomes a Problem with a sentence that says what to do; the raw exception
text (errno numbers, SQL, library hints) goes to the log, never on screen.
Qt-free: the UI and the CLI both call it."""
from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from app.domain.messages import Problem, RuleViolation

log = logging.getLogger(__name__)

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", -1)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _chain(error: BaseException):
    """The error and what it wraps (SQLAlchemy's .orig, raise ... from)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__


def _file_name(e: OSError, name: str) -> str:
    return name or (Path(e.filename).name if isinstance(e.filename, (str, os.PathLike)) else "")


def problems(error: BaseException, *, name: str = "") -> list[Problem]:
    """The problems to show for `error`; `name` is the file the user chose,
    if any (errors often carry only a temp path)."""
    if isinstance(error, RuleViolation):
        return error.problems
    from app.store.db import UpgradeFailed
    for e in _chain(error):
        if isinstance(e, RuleViolation):
            return e.problems
        if isinstance(e, UpgradeFailed):
            return [Problem("storage.upgrade_failed", params={"backup": str(e.backup)})]
        text = str(e).lower()
        if isinstance(e, OSError) and e.errno in _DISK_FULL or "disk is full" in text:
            return [Problem("storage.disk_full")]
        if "database is locked" in text:
            return [Problem("storage.busy")]
        if isinstance(e, IsADirectoryError):
            return [Problem("file.is_folder", field="photo", params={"name": _file_name(e, name)})]
        if isinstance(e, FileNotFoundError):
            return [Problem("file.gone", field="photo", params={"name": _file_name(e, name)})]
        if isinstance(e, OSError) and (isinstance(e, PermissionError) or e.errno in _DENIED):
            return [Problem("file.denied", params={"name": _file_name(e, name)})]
        if isinstance(e, OSError) and e.errno is not None:
            return [Problem("storage.io")]
    return [Problem("error.unexpected")]


def user_text(error: BaseException, lang: str, *, name: str = "") -> str:
    """One message for a failed operation. The caller logs the exception
    with its traceback (app/ui/ops.py does for every op)."""
    return "\n".join(p.text(lang) for p in problems(error, name=name))


# What a day of photos needs on the data folder's disk: a busy day is about
# six visits of some 30 photos each; phone photos are 3-8 MB.
DAY_OF_PHOTOS = 6 * 30 * 6 * 1024 * 1024


def disk_free(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None
