"""`field-sampler run-demo` (`make run`): a demo provincial server on
loopback and this app signed in to it, so a newcomer can walk a visit and
sync it with no set-up.

Everything lives in one demo folder (default <user data>/demo, or
--data-dir): server/ (its database, photos and demo.json), client/ (the
app's data) and config/settings.json (the demo's settings: the user's own
settings file is never touched). Secrets go to the OS keyring, or to a
keyring in memory when there is none (then each run signs in again).

PySide6 is imported only in run()."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="UI language for this run")
    parser.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="demo folder (default: <user data folder>/demo)")
    # smoke tests: quit once the home screen shows the pulled tasks
    parser.add_argument("--exit-after-load", action="store_true", help=argparse.SUPPRESS)


def demo_root(override: str | None) -> Path:
    if override:
        root = Path(override)
    else:
        from app.settings_file import data_dir  # the user data folder, or $FIELD_SAMPLER_DATA
        root = data_dir() / "demo"
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def prepare(root: Path, say=print):
    """Start the server child, sign this device in, pull the tasks.
    Returns (DemoServer, DemoAccess, settings path, task count)."""
    from app import settings_file as store
    from app.services import syncing
    from app.services.demo_server import STARTING, DemoServer, banner
    from app.services.keyring_setup import ensure_keyring
    from app.services.reference import ensure_plan, list_tasks
    from app.services.workspace import Workspace

    os_keyring = ensure_keyring(demo=True)
    say(STARTING)
    server = DemoServer(root / "server")
    access = server.start()
    try:
        config = root / "config" / "settings.json"
        current = store.load(config)
        store.save(current._replace(server_url=access.url), config)   # this run's address
        ws = Workspace(root / "client")
        try:
            ensure_plan(ws)
            syncing.sign_in(ws, access.url, access.username, access.password)
            report = syncing.make_engine(ws, access.url).run(push=False)
            if report.network_error or report.auth_error:
                raise RuntimeError(f"first pull failed: {report.network_error or report.auth_error}")
            tasks = len(list_tasks(ws))
            syncing.mark_synced(ws)
        finally:
            ws.close()
    except BaseException:
        server.stop()
        raise
    say(banner(root, access, tasks, os_keyring))
    return server, access, config, tasks


def run(args: argparse.Namespace) -> int:
    root = demo_root(getattr(args, "data_dir", None))
    from app.services.demo_server import DemoServerError
    try:
        server, access, config, _tasks = prepare(root)
    except (DemoServerError, RuntimeError) as e:
        print(f"run-demo: {e}", file=sys.stderr)
        return 1
    try:
        from app import settings_file as store
        from app.ui.main import start_gui
        from app.ui.settings_model import SettingsModel

        lang = getattr(args, "lang", None) or store.load(config).language
        model = SettingsModel(path=config, data_dir=root / "client")
        code = start_gui(root / "client", language=lang, settings_model=model,
                         exit_after_load=getattr(args, "exit_after_load", False),
                         loaded_enough=lambda home: bool(home.data and home.data.tasks))
    finally:
        server.stop()
        from app.services.syncing import sign_out
        sign_out(access.url)     # this run's port is never used again: leave no token behind
    return code
