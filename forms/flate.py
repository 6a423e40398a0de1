"""Compress the PDFs' streams at zlib level 1 instead of reportlab's 6.

A visit's document set deflates ~1.2 MB (subset CJK fonts, page contents,
signature images). At level 6 that was a fifth of the set's build time on a
2-core laptop; level 1 halves it for files ~10 % larger (344 -> 380 KiB a
set). The documents are built to be printed or opened at once, not stored,
so time beats bytes here.

reportlab has no setting for the level: every stream goes through the
`zlib` name of reportlab.pdfbase.pdfdoc (stream filters, font files and
images alike), so that name is pointed at this module's shim. If a later
reportlab compresses elsewhere, those streams simply stay at level 6.
"""
from __future__ import annotations

import zlib

LEVEL = 1


class _Level1:
    """The part of the zlib module pdfdoc uses, at LEVEL."""
    decompress = staticmethod(zlib.decompress)
    error = zlib.error

    @staticmethod
    def compress(data, level: int = LEVEL) -> bytes:
        return zlib.compress(data, LEVEL)

    def __getattr__(self, name: str):          # anything else: the real module
        return getattr(zlib, name)


def install() -> None:
    from reportlab.pdfbase import pdfdoc
    if isinstance(getattr(pdfdoc, "zlib", None), _Level1):
        return
    pdfdoc.zlib = _Level1()
