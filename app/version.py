"""The app's version. One source: `version` in pyproject.toml, read from
the installed package's metadata (a wheel, an editable install, or the
PyInstaller bundle, which carries the metadata), else from pyproject.toml
itself when running from a bare source checkout."""
from __future__ import annotations

from pathlib import Path

DIST_NAME = "field-sampler"


def version() -> str:
    from importlib import metadata
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return _from_pyproject(Path(__file__).resolve().parents[1] / "pyproject.toml")


def _from_pyproject(path: Path) -> str:
    import tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, ValueError):
        return "0+unknown"


def parse(text: str) -> tuple[int, ...]:
    """'1.10.2' -> (1, 10, 2) for comparing versions; anything after the
    numeric release (a local or pre-release tag) is ignored, a bad string is (0,)."""
    out = []
    for part in text.strip().lstrip("vV").split("."):
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        out.append(int(digits))
        if len(digits) != len(part):
            break
    return tuple(out) or (0,)


def is_newer(candidate: str, current: str | None = None) -> bool:
    return parse(candidate) > parse(current or version())
