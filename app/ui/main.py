"""`field-sampler gui`: start the desktop app. PySide6 is imported only in
run(), so `field-sampler --help` and the other subcommands stay Qt-free."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["zh_CN", "en"],
                        help="UI language for this run (default: from settings, else Simplified Chinese)")
    # for benchmarks and smoke tests: quit as soon as the main window is shown
    parser.add_argument("--exit-after-show", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    import sys

    from PySide6.QtCore import QTimer

    from app import settings
    from app.ui.app_shell import ExceptHook, MainWindow, create_app, setup_logging
    from app.ui.settings import SettingsModel

    data = settings.data_dir(getattr(args, "data_dir", None))
    data.mkdir(parents=True, exist_ok=True)
    log_path = setup_logging(settings.log_dir(data))
    app = create_app(language=getattr(args, "lang", None))
    sys.excepthook = ExceptHook(log_path)
    window = MainWindow(SettingsModel(data_dir=data))
    window.show()
    if getattr(args, "exit_after_show", False):
        QTimer.singleShot(0, app.quit)
    return app.exec()
