"""Register a CJK TrueType font with reportlab: the one bundled with the
installed app first (WenQuanYi Micro Hei, so a PDF looks the same on every
laptop; installer/bundle_inputs.py), else one found on this machine.

reportlab embeds a subset of a registered TTFont in every PDF, so the
documents print the same on a Windows laptop without Chinese fonts and on
Linux; we never fall back to a viewer's CID fonts (STSong-Light), which
Windows Acrobat-less viewers render as boxes. reportlab reads TrueType
(glyf) outlines only, so OpenType/CFF fonts such as Noto Sans CJK .otf/.ttc
are tried but usually refused; the candidates below are TrueType.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

FONT_NAME = "FieldSamplerCJK"
ENV_VAR = "FIELD_SAMPLER_CJK_FONT"   # "path" or "path|subfont index": overrides the search

BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")   # inside the PyInstaller bundle (installer/bundle_inputs.py)
_WIN_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
# (path, subfont index in a .ttc). Order: the closest to official forms first
# (宋体), then 黑体-like faces.
CANDIDATES: list[tuple[Path, int]] = [
    (_WIN_FONTS / "simsun.ttc", 0),
    (_WIN_FONTS / "simsun.ttf", 0),
    (_WIN_FONTS / "simhei.ttf", 0),
    (_WIN_FONTS / "msyh.ttc", 0),
    (_WIN_FONTS / "msyh.ttf", 0),
    (_WIN_FONTS / "Deng.ttf", 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"), 0),          # Fedora
    (Path("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc"), 0),  # Arch
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0),
    (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
    (Path("/System/Library/Fonts/Supplemental/Songti.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
]

INSTALL_HINT = {
    "win32": "Windows 应自带宋体 (C:\\Windows\\Fonts\\simsun.ttc) 或微软雅黑 (msyh.ttc)；"
             "请在“设置 > 个性化 > 字体”中安装中文补充字体。",
    "linux": "请安装文泉驿正黑字体：sudo apt-get install fonts-wqy-zenhei",
    "darwin": "请安装一个 TrueType 中文字体（如文泉驿正黑 wqy-zenhei.ttc）。",
}


class FontNotFound(RuntimeError):
    """No usable CJK TrueType font: the message names what to install."""


_registered: str | None = None
_used_path: str = ""


def _platform_hint() -> str:
    key = "linux" if sys.platform.startswith("linux") else sys.platform
    return INSTALL_HINT.get(key, INSTALL_HINT["linux"])


def bundled_font() -> Path | None:
    """The font shipped inside the installed app (None when run from source)."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base).joinpath(*BUNDLED_FONT) if base else None


def _candidates() -> list[tuple[Path, int]]:
    override = os.environ.get(ENV_VAR, "")
    if override:
        path, _, index = override.partition("|")
        return [(Path(path), int(index or 0))]
    bundled = bundled_font()
    return ([(bundled, 0)] if bundled else []) + CANDIDATES


@functools.cache
def _font_class():
    """reportlab's TTFont, with the two changes that make embedding its
    subsets cheap: tables read once, widths written plainly (imported late,
    as everything of reportlab here)."""
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase.pdfdoc import PDFArray
    from reportlab.pdfbase.ttfonts import TTFont

    class Widths(PDFArray):
        """A subset's glyph widths, 16 to a line. PDFArray formats each
        number on its own through three calls and a codec (~1 ms a 256-glyph
        subset, ~10 subsets a visit's set); the numbers need none of that."""
        def format(self, document, IND=b"\n "):
            w = self.sequence
            return b"[" + b"\n".join(fp_str(*w[i:i + 16]).encode("ascii") for i in range(0, len(w), 16)) + b"]"

    class FormsFont(TTFont):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            _keep_tables(self.face)

        def addObjects(self, doc):
            super().addObjects(doc)
            for font in doc.idToObject["BasicFonts"].dict.values():
                widths = getattr(font, "Widths", None)
                if type(widths) is PDFArray and widths.sequence:
                    font.Widths = Widths(widths.sequence)

    return FormsFont


def _try_load(path: Path, index: int):
    from reportlab.pdfbase.ttfonts import TTFError
    try:
        font = _font_class()(FONT_NAME, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError):
        return None
    # A usable font must cover the characters every form prints.
    if any(ord(ch) not in font.face.charToGlyph for ch in "抽样单编号受检单位□■"):
        return None
    return font


def _keep_tables(face) -> None:
    """reportlab embeds a subset of the font for every 256 characters of
    every document, and each subset copies whole tables out of the font
    file: glyf (10 MB in WenQuanYi Zen Hei) and post (450 KB) included, ~2 ms
    a subset, a quarter of a visit's document set. The tables are immutable
    bytes, so each is copied once per process instead."""
    tables: dict[str, bytes] = {}
    read = face.get_table

    def get_table(tag: str) -> bytes:
        table = tables.get(tag)
        if table is None:
            table = tables[tag] = read(tag)
        return table

    face.get_table = get_table


def register_cjk_font() -> str:
    """Register the first usable CJK font once per process and return the
    reportlab font name. Raises FontNotFound naming what to install."""
    global _registered, _used_path
    if _registered:
        return _registered
    from reportlab.pdfbase import pdfmetrics
    tried = []
    for path, index in _candidates():
        if not path.is_file():
            continue
        tried.append(str(path))
        font = _try_load(path, index)
        if font is not None:
            pdfmetrics.registerFont(font)
            _registered, _used_path = FONT_NAME, str(path)
            return FONT_NAME
    detail = ("；已尝试但不可用 (tried, unusable): " + ", ".join(tried)) if tried else ""
    raise FontNotFound(
        f"找不到可嵌入的中文 TrueType 字体 (no CJK TrueType font found). {_platform_hint()}"
        f" 也可设置环境变量 {ENV_VAR}=字体文件路径{detail}")


def font_path() -> str:
    """Path of the registered font file (after register_cjk_font)."""
    return _used_path
