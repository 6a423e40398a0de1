"""`field-sampler documents`: the documents CLI of forms/, plus --device-key
(sign the demo seals with this device's key from the OS keyring), which
needs app.services and so does not belong in forms/."""
from __future__ import annotations

import argparse

from forms import cli_documents


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cli_documents.add_arguments(parser)
    parser.add_argument("--device-key", action="store_true",
                        help="sign the demo seals with this device's key from the OS keyring "
                             "(default: a throwaway key whose public key is written next to the PDFs)")


def run(args: argparse.Namespace) -> int:
    signer = None
    if args.device_key and args.demo:
        from app.services.device_key import DeviceKey
        signer = DeviceKey.load_or_create()
    return cli_documents.run(args, signer=signer)
