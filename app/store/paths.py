"""Where the local data lives: --data-dir, else $FIELD_SAMPLER_DATA, else the
platform's user data folder (e.g. %LOCALAPPDATA%\\FieldSampler on Windows,
~/.local/share/FieldSampler on Linux). Logs go to the user log folder."""
from __future__ import annotations

import os
from pathlib import Path


APP_NAME = "FieldSampler"
ENV_DATA = "FIELD_SAMPLER_DATA"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    path = Path(override or os.environ.get(ENV_DATA) or _platformdirs().user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir(data: Path | None = None) -> Path:
    """Logs beside the data when the data folder is overridden (tests, demo),
    else the platform's user log folder."""
    if data is not None and (os.environ.get(ENV_DATA) or data != Path(_platformdirs().user_data_dir(APP_NAME, False))):
        path = data / "logs"
    else:
        path = Path(_platformdirs().user_log_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data: Path) -> Path:
    return data / "field-sampler.sqlite"


def evidence_root(data: Path) -> Path:
    return data / "evidence"


def sessions_dir(data: Path) -> Path:
    """Markers of the app sessions running (or that died) on this data folder."""
    return data / "sessions"


def _platformdirs():
    import platformdirs  # deferred: a few ms of start-up, needed only without an override
    return platformdirs
