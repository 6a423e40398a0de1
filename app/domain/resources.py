"""Where the resources/ folder is (plan data, sampling rules, translations,
icons), for every part of the tree: the desktop app, the CLI and the server.
Plain Python, so the domain can read its translation catalogue."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_RESOURCES = "FIELD_SAMPLER_RESOURCES"


def candidates() -> list[Path]:
    """$FIELD_SAMPLER_RESOURCES, else next to a PyInstaller bundle, else the
    repository root (source or editable install), else the data folder a
    wheel install puts under sys.prefix — in that order."""
    out = []
    if os.environ.get(ENV_RESOURCES):
        out.append(Path(os.environ[ENV_RESOURCES]))
    if getattr(sys, "_MEIPASS", None):
        out.append(Path(sys._MEIPASS) / "resources")
    out.append(Path(__file__).resolve().parents[2] / "resources")
    out.append(Path(sys.prefix) / "share" / "field-sampler" / "resources")
    return out


def find(relative: str) -> Path | None:
    """The first resources/ folder that holds `relative`, or None."""
    for c in candidates():
        if (c / relative).is_file():
            return c
    return None
