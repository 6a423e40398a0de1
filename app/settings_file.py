"""The desktop user's settings file (Qt-free): a small typed model stored as
JSON in the user config folder. A damaged or hand-edited file never stops
the app: unknown keys are ignored and bad values fall back to their
defaults. The window's live copy is app/ui/settings_model.py; the server's
configuration is sync/server/config.py."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple


from app.store.paths import APP_NAME, ENV_DATA as DATA_ENV, data_dir, log_dir, user_dir  # noqa: F401 (one place decides folders)

LANGUAGES = ("zh_CN", "en")
LABEL_SIZES = ("100x70", "70x50", "a4")  # mm; "a4" = a sheet of labels

def _log():
    import logging  # deferred: a few ms of start-up; only needed when something goes wrong
    return logging.getLogger(__name__)


class Settings(NamedTuple):
    """Immutable: change with `_replace(...)`. A NamedTuple rather than a
    dataclass because it is read before the main window shows, and the
    dataclasses module (with inspect) costs ~6 ms of cold start."""
    server_url: str = ""
    label_size: str = "100x70"
    printer: str = ""          # "" = the system default printer
    language: str = "zh_CN"

    def validated(self) -> "Settings":
        """A copy with every out-of-range value replaced by its default."""
        d = Settings()
        return Settings(
            server_url=self.server_url.strip() if isinstance(self.server_url, str) else d.server_url,
            label_size=self.label_size if self.label_size in LABEL_SIZES else d.label_size,
            printer=self.printer if isinstance(self.printer, str) else d.printer,
            language=self.language if self.language in LANGUAGES else d.language,
        )


def config_path() -> Path:
    return Path(user_dir("config")) / "settings.json"


def load(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as e:
        _log().warning("settings file %s unreadable (%s); using defaults", path, e)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    return Settings(**{k: v for k, v in raw.items() if k in Settings._fields}).validated()


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (temp file + fsync + rename) so a crash never leaves
    a half-written settings file."""
    from app.store.files import write_atomic  # deferred: start-up time

    path = path or config_path()
    text = json.dumps(settings.validated()._asdict(), ensure_ascii=False, indent=2)
    write_atomic(path, text.encode("utf-8"), prefix=".settings-")
    return path

