"""`field-sampler documents --demo OUTDIR | --blank OUTDIR`: write the
official documents as PDF files. Only forms and the domain here: the
device's own key (--device-key, from the OS keyring) is app/cli_documents.py's."""
from __future__ import annotations

import argparse
from pathlib import Path

from forms.fonts import FontNotFound


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--demo", metavar="OUTDIR", help="every document of a demo visit (车用汽油 92# at a gas station)")
    mode.add_argument("--blank", metavar="OUTDIR", help="blank forms for the paper fallback")


def _write(out: Path, name: str, data: bytes) -> None:
    path = out / f"{name}.pdf"
    path.write_bytes(data)
    print(f"{path}  ({len(data) // 1024} KB)")


def run(args: argparse.Namespace, signer=None) -> int:
    """signer: signs the demo seals (default: a throwaway key whose public
    key is written next to the PDFs)."""
    from forms import seal_labels
    from forms.context import DocumentContext
    from forms.documents import DOCUMENTS

    out = Path(args.demo or args.blank)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.blank:
            ctx = DocumentContext.blank_form()
            for name, (_title, build) in DOCUMENTS.items():
                _write(out, name, build(ctx))
            _write(out, "seal_labels_a4", seal_labels.build(ctx, seal_labels.A4_SHEET))
            return 0
        return _demo(out, signer)
    except FontNotFound as e:
        print(e)
        return 2


def _demo(out: Path, signer) -> int:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from app.domain.seal_payload import KeySigner
    from forms import seal_labels
    from forms.demo import demo_context, demo_problem_context, demo_refusal_context
    from forms.documents import DOCUMENTS

    signer = signer or KeySigner()
    pem = Ed25519PublicKey.from_public_bytes(signer.public_key_bytes()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    ctx = demo_context(signer)
    special = {"refusal_form": demo_refusal_context(ctx), "problem_report": demo_problem_context(ctx)}
    for name, (_title, build) in DOCUMENTS.items():
        _write(out, name, build(special.get(name, ctx)))
    _write(out, "seal_labels_70x50", seal_labels.build(ctx, seal_labels.LABEL_70x50))
    _write(out, "seal_labels_a4", seal_labels.build(ctx, seal_labels.A4_SHEET))
    key_file = out / "demo-device-public-key.pem"
    key_file.write_text(pem)
    (out / "seal_payloads.txt").write_text(
        "".join(f"{no}\t{text}\n" for no, text in ctx.seal_payloads.items()))
    print(f"{key_file}\n{out / 'seal_payloads.txt'}")
    print(f"验证封条 (verify a seal): field-sampler verify-seal --public-key {key_file} --image PNG")
    return 0
