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
    "documents": ("app.cli_documents", "write demo or blank documents as PDF"),
    "verify-seal": ("app.cli_verify", "verify a seal QR payload"),
}
# Not in the installed bundle (it has no provincial server to run a demo on).
SOURCE_ONLY = {"run-demo"}


def _available(name: str) -> bool:
    return not (name in SOURCE_ONLY and getattr(sys, "frozen", False))


def _requested(argv: list[str]) -> str | None:
    """The subcommand named on the command line, if any (skips --data-dir X)."""
    args = iter(argv)
    for a in args:
        if a == "--data-dir":
            next(args, None)
        elif not a.startswith("-"):
            return a
    return None


class _VersionAction(argparse.Action):
    """--version, read only when asked (importlib.metadata costs start-up time)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from app.version import version
        print(f"field-sampler {version()}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All subcommands; only the one being run imports its module (start-up
    time: the GUI should not pay for importing the PDF tools)."""
    parser = argparse.ArgumentParser(prog="field-sampler", description="抽样助手 Field Sampler")  # i18n: name in both
    parser.add_argument("--data-dir", help="data folder (default: the user data folder, or $FIELD_SAMPLER_DATA)")
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    for name, (module, help_text) in COMMANDS.items():
        if not _available(name):
            continue
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(_module=module)
        if only is None or only == name:
            importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    name = _requested(argv)
    if name in COMMANDS and not _available(name):
        from app.domain.i18n import bilingual
        print(f"`{name}`: " + bilingual("安装版不含演示服务器，请在源代码中运行 make run。"), file=sys.stderr)
        return 2
    parser = build_parser(name if name in COMMANDS else None)
    args = parser.parse_args(argv)
    module = getattr(args, "_module", COMMANDS["gui"][0])
    return int(importlib.import_module(module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
