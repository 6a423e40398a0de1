"""Child process for the session-marker tests: the real app (start_gui, as
`field-sampler gui` runs it) on a data folder; once the home screen has the
data it continues visit <id> in the wizard like a sampler would, waits for
the session marker to be on disk and prints "OPEN <id> <step>". Then
`quit`: quits cleanly (as closing the window does); `stay`: keeps running
until the parent kills it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main(data: str, visit_id: str, mode: str) -> int:
    import keyring

    from app.services import session_marker
    from app.services.keyring_setup import MemoryKeyring
    from app.ui.app_shell import MainWindow
    from app.ui.main import start_gui

    keyring.set_keyring(MemoryKeyring())
    app = QApplication([])
    state = {"asked": False}

    def poll() -> None:
        window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)
        home = getattr(window, "home", None)
        if home is None or home.data is None:
            return
        if not state["asked"]:
            state["asked"] = True
            home.continue_visit.emit(visit_id)       # as 继续抽样 on the in-progress list
            return
        wizard = window.screens.get("visit")
        if wizard is None or wizard.state is None or not wizard.is_idle():
            return
        for s in session_marker.sessions_on(data):
            s.flush()
        timer.stop()
        print(f"OPEN {visit_id} {wizard.state.step.value}", flush=True)
        if mode == "quit":
            window.close()                            # the last window: the app quits cleanly

    timer = QTimer(interval=20)
    timer.timeout.connect(poll)
    timer.start()
    return start_gui(Path(data))


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
