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


# For the cold-start benchmark, which starts the app as the shortcut does
# (no arguments): quit once the main window is shown, as --exit-after-show.
ENV_EXIT_AFTER_SHOW = "FIELD_SAMPLER_EXIT_AFTER_SHOW"


def run(args: argparse.Namespace) -> int:
    """args: parsed options, or any object (a double-click has none: every
    option is read with its default)."""
    import gc
    import os

    # Automatic collection is off for the GUI's whole life: app/ui/gc_guard.py
    # collects on the GUI thread, from the moment the window shows. Off from
    # here, the start-up's imports and the window's build pay no collection
    # passes over their new objects (~5 ms of the cold start).
    gc.disable()
    from app import settings_file
    return start_gui(settings_file.data_dir(getattr(args, "data_dir", None)), language=getattr(args, "lang", None),
                     exit_after_show=getattr(args, "exit_after_show", False) or bool(os.environ.get(ENV_EXIT_AFTER_SHOW)),
                     exit_after_load=getattr(args, "exit_after_load", False))


def _shown_and_quit(app) -> None:
    """--exit-after-show: the window is shown and the event loop runs. The
    system-wide monotonic clock lets a benchmark time the start up to here,
    without the interpreter's teardown that follows."""
    import time
    print(f"shown_at_monotonic {time.monotonic():.6f}", flush=True)
    app.quit()


def start_gui(data, *, language: str | None = None, settings_model=None, exit_after_show: bool = False,
              exit_after_load: bool = False, loaded_enough=None) -> int:
    """Show the main window on the data folder `data` and run the event
    loop; also used by `run-demo`. settings_model: the settings to edit
    (default: the user's settings file). exit_after_load quits once the home
    screen shows its data (and loaded_enough(home), if given, is true)."""
    import sys

    from PySide6.QtCore import QTimer

    from app import settings_file
    from app.ui.app_shell import LOG_FILE, ExceptHook, MainWindow, create_app, install_guards, setup_logging
    from app.ui.settings_model import SettingsModel

    log_dir = settings_file.log_dir(data)
    app = create_app(language=language, qt_translations=False, guards=False)
    hook = sys.excepthook = ExceptHook(log_dir / LOG_FILE)
    window = MainWindow(settings_model or SettingsModel(data_dir=data))
    window.show_restored()
    if exit_after_show:
        QTimer.singleShot(0, lambda: _shown_and_quit(app))
        return app.exec()

    def after_show() -> None:
        from app.ui import gc_guard
        gc_guard.install()             # collection back on, on this thread (run() turned it off)
        install_guards(app)            # before any screen that has a combo box or opens a dialog
        from app.ui.i18n import install_qt_translations
        install_qt_translations(app)  # Qt's own dialogs: none can open before this
        hook.log_path = setup_logging(log_dir)
        from app.ui.home.startup import install_home
        from app.ui.sync.screen import install_sync
        sync = install_sync(window)    # first: it stops a running sync before the workspace closes
        home = install_home(window, data)
        sync.attach_home(home)
        from app.ui.firstrun.screen import offer_first_run
        offer_first_run(window, sync)       # a fresh installation: enroll first
        from app.services.keyring_setup import os_keyring_available
        if not os_keyring_available():
            from app.ui.i18n import tr
            window.show_message(tr("未找到系统密钥环：封条无法签名，也无法登录同步。请安装并启用 gnome-keyring 或 KWallet。"))
        if exit_after_load:
            def maybe_quit() -> None:
                if loaded_enough is None or loaded_enough(home):
                    app.quit()
            home.loaded.connect(maybe_quit)
    QTimer.singleShot(0, after_show)
    return app.exec()
