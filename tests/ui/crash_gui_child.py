"""Child process for the GUI crash test: the real wizard, offscreen, driven
like a sampler; after each autosave has come back from the DB worker it
prints what is now saved. The parent kills it with SIGKILL mid-visit."""
from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class Bot:
    """The few qtbot calls the wizard driver uses, on QTest."""

    def waitUntil(self, cond, timeout=15000):
        end = time.monotonic() + timeout / 1000
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError("condition not met")
            QCoreApplication.processEvents()
            time.sleep(0.005)

    def mouseClick(self, w, button, modifier=None, pos=None):
        QTest.mouseClick(w, button, pos=pos) if pos is not None else QTest.mouseClick(w, button)

    def keyClick(self, w, key, modifier=None):
        QTest.keyClick(w, key, modifier) if modifier is not None else QTest.keyClick(w, key)

    def keyClicks(self, w, text):
        QTest.keyClicks(w, text)

    def addWidget(self, w):
        pass

    def waitExposed(self, w, timeout=5000):
        class _Ctx:
            def __enter__(self_):
                return self_

            def __exit__(self_, *a):
                QTest.qWaitForWindowExposed(w, timeout)
        return _Ctx()


def main(data: str) -> None:
    import keyring

    from app.services import visits
    from app.services.keyring_setup import MemoryKeyring
    from app.services.workspace import Workspace
    from tests.ui.wizard_driver import Driver, open_wizard

    from app.services import session_marker

    keyring.set_keyring(MemoryKeyring())
    QApplication([])
    session_marker.start(data)          # as the app does at start: the marker a crash leaves behind
    ws = Workspace(data)
    v = visits.start_visit(ws, "t-gas-1")
    bot = Bot()
    d = Driver(bot, open_wizard(bot, ws, v.id), lambda w, t: QTest.keyClicks(w, t))
    print(f"VISIT {v.id}", flush=True)
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
        print(f"TICK {key}", flush=True)
    d.next()
    print("STEP party", flush=True)
    d.fill("party.contact", "Qian 13900000000")
    print("FIELD party.contact Qian 13900000000", flush=True)
    d.next()
    print("STEP evidence", flush=True)
    time.sleep(60)                      # the parent kills us here


if __name__ == "__main__":
    main(sys.argv[1])
