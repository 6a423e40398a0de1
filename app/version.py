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


def is_newer(candidate: str, current: str | None = None) -> bool:
    """Is `candidate` (e.g. the version the server publishes) newer than ours?"""
    from sync.protocol.versions import is_newer as newer
    return newer(candidate, current or version())
