"""What the PyInstaller spec puts into the bundle besides the Python code:
the resources, the desktop migrations (Alembic loads them as files), and the
bundled CJK font with its licence. Kept apart from the spec so it can be
tested without a build (tests/installer/test_bundle_inputs.py).

The font is WenQuanYi Micro Hei (文泉驿微米黑), 5 MB, Apache-2.0 (or GPL-3+
with the font exception): TrueType outlines, which reportlab can embed
(Noto Sans CJK .otf/.ttc are CFF and it cannot), and a licence that lets us
ship it. It is not committed: the build takes it from Debian's
fonts-wqy-microhei (scripts/sysdeps.sh installs it), or from the file named
by FIELD_SAMPLER_BUNDLE_FONT (a Windows build machine copies it from that
package, see installer/README.md).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Where the bundled font lands inside the bundle; forms/fonts.py looks there first.
FONT_DIR = "fonts"
FONT_FILE = "wqy-microhei.ttc"
LICENCE_FILE = "wqy-microhei-LICENSE.txt"

FONT_ENV = "FIELD_SAMPLER_BUNDLE_FONT"            # path of wqy-microhei.ttc
LICENCE_ENV = "FIELD_SAMPLER_BUNDLE_FONT_LICENSE"  # path of its licence text
DEBIAN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEBIAN_LICENCE = Path("/usr/share/doc/fonts-wqy-microhei/copyright")
# Debian's fonts-wqy-microhei 0.2.0-beta-3.1 (bookworm). A different file
# still builds (with a warning): the PDFs would differ from other laptops'.
KNOWN_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


class BundleInputError(RuntimeError):
    pass


def font_files() -> tuple[Path, Path]:
    """(font, licence) to bundle; raises BundleInputError naming what to install."""
    font = Path(os.environ.get(FONT_ENV) or DEBIAN_FONT)
    licence = Path(os.environ.get(LICENCE_ENV) or DEBIAN_LICENCE)
    missing = [str(p) for p in (font, licence) if not p.is_file()]
    if missing:
        raise BundleInputError(
            "bundled CJK font not found: " + ", ".join(missing) + ". On Debian/Ubuntu: "
            "apt-get install fonts-wqy-microhei; elsewhere set " + FONT_ENV + " and " + LICENCE_ENV
            + " to wqy-microhei.ttc and its licence (see installer/README.md)")
    return font, licence


def font_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def datas() -> list[tuple[str, str]]:
    """(source, destination folder in the bundle) pairs for Analysis(datas=...)."""
    font, licence = font_files()
    staged = ROOT / "build" / "bundle-inputs"
    staged.mkdir(parents=True, exist_ok=True)
    # under the names forms/fonts.py looks for, whatever the source files are called
    for src, name in ((font, FONT_FILE), (licence, LICENCE_FILE)):
        target = staged / name
        if not target.is_file() or target.read_bytes() != src.read_bytes():
            target.write_bytes(src.read_bytes())
    if font_sha256(font) != KNOWN_SHA256:
        print(f"WARNING: {font} is not the font file this project was tested with "
              f"(sha256 {KNOWN_SHA256[:12]}…): documents may look different from other laptops'")
    return [
        (str(ROOT / "resources"), "resources"),
        *migration_files(),
        (str(staged / FONT_FILE), FONT_DIR),
        (str(staged / LICENCE_FILE), FONT_DIR),
    ]


def migration_files() -> list[tuple[str, str]]:
    """The desktop store's Alembic scripts as files (no __pycache__)."""
    base = ROOT / "app" / "store" / "migrations"
    files = [*base.glob("*.py"), *base.glob("*.mako"), *base.glob("versions/*.py")]
    return [(str(f), (Path("app/store/migrations") / f.relative_to(base)).parent.as_posix()) for f in sorted(files)]
