"""Where the local data lives: --data-dir, else $FIELD_SAMPLER_DATA, else the
platform's user data folder (e.g. %LOCALAPPDATA%\\FieldSampler on Windows,
~/.local/share/FieldSampler on Linux). Logs go to the user log folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path


APP_NAME = "FieldSampler"
ENV_DATA = "FIELD_SAMPLER_DATA"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    path = Path(override or os.environ.get(ENV_DATA) or user_dir("data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir(data: Path | None = None) -> Path:
    """Logs beside the data when the data folder is overridden (tests, demo),
    else the platform's user log folder."""
    if data is not None and (os.environ.get(ENV_DATA) or data != Path(user_dir("data"))):
        path = data / "logs"
    else:
        path = Path(user_dir("log"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data: Path) -> Path:
    return data / "field-sampler.sqlite"


def evidence_root(data: Path) -> Path:
    return data / "evidence"


def sessions_dir(data: Path) -> Path:
    """Markers of the app sessions running (or that died) on this data folder."""
    return data / "sessions"


# XDG base directories (freedesktop.org): a value that is not an absolute path
# is ignored, as the specification says.
_XDG = {"data": ("XDG_DATA_HOME", ".local/share", ""), "config": ("XDG_CONFIG_HOME", ".config", ""),
        "log": ("XDG_STATE_HOME", ".local/state", "log")}


def user_dir(kind: str) -> str:
    """The user's folder of `kind` ("data", "config" or "log") for this app.

    On Linux the XDG rules are read here directly: importing platformdirs
    costs ~11 ms, a quarter of what the app may add to a bare window's cold
    start, and the settings file's folder is needed before the window shows.
    tests/store/test_user_dirs.py holds these paths equal to platformdirs'.
    Elsewhere (Windows' known folders, macOS) platformdirs decides."""
    if sys.platform.startswith("linux"):
        var, default, tail = _XDG[kind]
        base = os.environ.get(var, "")
        base = base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), default)
        return os.path.join(base, APP_NAME, tail) if tail else os.path.join(base, APP_NAME)
    import platformdirs  # deferred: see above
    return getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, False)
