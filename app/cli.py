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


# Options given before a command, or without one, that take a value.
VALUED = ("--data-dir", "--lang")


def _requested(argv: list[str]) -> str | None:
    """The subcommand named on the command line, if any (skips the values of VALUED options)."""
    args = iter(argv)
    for a in args:
        if a in VALUED:
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
    """All subcommands, or with `only` just that one (start-up time: each
    parser costs the GUI ~1.5 ms before its window shows, and only the
    command being run imports its module: the GUI does not pay for the PDF
    tools)."""
    parser = argparse.ArgumentParser(prog="field-sampler", description="抽样助手 Field Sampler")  # i18n: name in both
    parser.add_argument("--data-dir", help="data folder (default: the user data folder, or $FIELD_SAMPLER_DATA)")
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    for name, (module, help_text) in COMMANDS.items():
        if not _available(name) or only not in (None, name):
            continue
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    return parser


HELP_FLAGS = ("-h", "--help", "--version")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        # The Start-menu shortcut: the GUI with its defaults. Without argparse,
        # whose parsers and message catalogue cost ~5 ms of the cold start.
        from types import SimpleNamespace

        from app.ui import main as gui
        return int(gui.run(SimpleNamespace()) or 0)
    name = _requested(argv)
    if name is None and not any(a in HELP_FLAGS for a in argv):
        argv, name = ["gui", *argv], "gui"     # options without a command are the GUI's
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
