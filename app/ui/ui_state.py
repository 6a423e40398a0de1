"""What the UI remembers between runs that is not a setting: the main
window's size, position and maximised state, and the last folder of each
kind of file dialog (photos, exports). Kept as JSON beside the settings
file; a missing or damaged file only means nothing is remembered.

Reads happen once (a small file, at start); writes go to the op pool."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE_NAME = "ui_state.json"
_states: dict[Path, "UiState"] = {}


def _log():
    import logging
    return logging.getLogger(__name__)


def default_path(settings_path: Path | None = None) -> Path:
    if settings_path is None:
        from app.settings_file import config_path
        settings_path = config_path()
    return Path(settings_path).with_name(FILE_NAME)


class UiState:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as e:
            _log().warning("UI state %s unreadable (%s); starting afresh", self.path, e)
            data = {}
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any, *, now: bool = False) -> None:
        """Remember `value`; written in the background (now=True: at once,
        e.g. while the app quits)."""
        if self.data.get(key) == value:
            return
        self.data[key] = value
        text = json.dumps(self.data, ensure_ascii=False, indent=1)
        if now:
            _write(self.path, text)
        else:
            from app.ui.ops import BgOp
            BgOp(_write, self.path, text).failure(lambda e: _log().warning("UI state not saved: %s", e)) \
                .run_in_background()


def _write(path: Path, text: str) -> None:
    from app.services.files import save_file
    save_file(path, text.encode("utf-8"), prefix=".ui-state-")


def state(path: Path | None = None) -> UiState:
    """The UI state stored at `path` (default: beside the user's settings)."""
    path = Path(path) if path is not None else default_path()
    if path not in _states:
        _states[path] = UiState(path)
    return _states[path]


_current: Path | None = None


def use(path: Path) -> UiState:
    """Make `path` the state the file dialogs use (the main window's)."""
    global _current
    _current = Path(path)
    return state(_current)


def current() -> UiState:
    return state(_current)
