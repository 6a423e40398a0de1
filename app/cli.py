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


def _requested(argv: list[str]) -> str | None:
    """The subcommand named on the command line, if any (skips --data-dir X)."""
    args = iter(argv)
    for a in args:
        if a == "--data-dir":
            next(args, None)
        elif not a.startswith("-"):
            return a
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All subcommands; only the one being run imports its module (start-up
    time: the GUI should not pay for importing the PDF tools)."""
    parser = argparse.ArgumentParser(prog="field-sampler", description="抽样助手 Field Sampler")  # i18n: name in both
    parser.add_argument("--data-dir", help="data folder (default: the user data folder, or $FIELD_SAMPLER_DATA)")
    sub = parser.add_subparsers(dest="command")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(_module=module)
        if only is None or only == name:
            importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    name = _requested(argv)
    parser = build_parser(name if name in COMMANDS else None)
    args = parser.parse_args(argv)
    module = getattr(args, "_module", COMMANDS["gui"][0])
    return int(importlib.import_module(module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
