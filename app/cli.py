"""`field-sampler` command line. Subcommands live in their own modules and
are imported lazily so `--help` stays fast and Qt is loaded only for the GUI."""
from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, help). Each module has add_arguments(parser) and run(args) -> int.
COMMANDS = {
    "gui": ("app.ui.main", "start the desktop app (default)"),
    "run-demo": ("app.ui.demo", "start a demo server on loopback and the app enrolled against it"),
    "documents": ("forms.cli_documents", "write demo or blank documents as PDF"),
    "verify-seal": ("forms.cli_verify", "verify a seal QR payload"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="field-sampler", description="抽样助手 Field Sampler")
    parser.add_argument("--data-dir", help="data folder (default: the user data folder, or $FIELD_SAMPLER_DATA)")
    sub = parser.add_subparsers(dest="command")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(_module=module)
        try:
            importlib.import_module(module).add_arguments(p)
        except ModuleNotFoundError as e:
            if e.name is None or not module.startswith(e.name):
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", COMMANDS["gui"][0])
    return int(importlib.import_module(module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
