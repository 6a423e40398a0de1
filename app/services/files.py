"""Files the sampler saves outside the workspace (an exported PDF): written
crash-safe (temp file + fsync + rename), so a cut leaves the old file or
the new one, never half of one."""
from __future__ import annotations

import os

from app.store.files import write_atomic


def save_file(path: str | os.PathLike, data: bytes, *, prefix: str = ".export-") -> str:
    return str(write_atomic(path, data, prefix=prefix))
