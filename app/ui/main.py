"""`field-sampler gui`: start the desktop app. PySide6 is imported only in
run(), so `field-sampler --help` and the other subcommands stay Qt-free.

Start-up order (cold start is measured against a bare QMainWindow): the
window is shown first; the file log, the home screen and the workspace
(SQLAlchemy + migrations, on the DB worker) follow right after."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["zh_CN", "en"],
                        help="UI language for this run (default: from settings, else Simplified Chinese)")
    # also accepted after `gui`; SUPPRESS keeps a value given before it
    parser.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="data folder (default: the user data folder, or $FIELD_SAMPLER_DATA)")
    # for benchmarks and smoke tests: quit as soon as the main window is shown,
    # or once the home screen shows the data
    parser.add_argument("--exit-after-show", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-after-load", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    import sys

    from PySide6.QtCore import QTimer

    from app import settings
    from app.ui.app_shell import LOG_FILE, ExceptHook, MainWindow, create_app, setup_logging
    from app.ui.settings import SettingsModel

    data = settings.data_dir(getattr(args, "data_dir", None))
    log_dir = settings.log_dir(data)
    app = create_app(language=getattr(args, "lang", None), qt_translations=False)
    hook = sys.excepthook = ExceptHook(log_dir / LOG_FILE)
    window = MainWindow(SettingsModel(data_dir=data))
    window.show()
    if getattr(args, "exit_after_show", False):
        QTimer.singleShot(0, app.quit)
        return app.exec()

    def after_show() -> None:
        from app.ui.i18n import install_qt_translations
        install_qt_translations(app)  # Qt's own dialogs: none can open before this
        hook.log_path = setup_logging(log_dir)
        from app.ui.home.startup import install_home
        home = install_home(window, data)
        if getattr(args, "exit_after_load", False):
            home.loaded.connect(app.quit)
    QTimer.singleShot(0, after_show)
    return app.exec()
