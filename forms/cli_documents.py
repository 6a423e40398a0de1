"""`field-sampler documents --demo OUTDIR | --blank OUTDIR`: write every
document of the registry (app.domain.documents) as a PDF file. Only forms
and the domain here: the device's own key (--device-key, from the OS
keyring) is app/cli_documents.py's."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.domain.i18n import bilingual
from forms.fonts import FontNotFound


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--demo", metavar="OUTDIR",
                      help="every document of a demo visit (车用汽油 92# at a gas station)")  # i18n: product name
    mode.add_argument("--blank", metavar="OUTDIR", help="blank forms for the paper fallback")


def _write(out: Path, name: str, data: bytes) -> None:
    path = out / f"{name}.pdf"
    path.write_bytes(data)
    print(f"{path}  ({len(data) // 1024} KB)")


def _write_all(out: Path, ctx_for) -> None:
    """Every registry document, then the seal labels at the other sizes."""
    from forms.documents import DOCUMENTS, build
    for kind in DOCUMENTS:
        _write(out, kind.value, build(kind, ctx_for(kind.value)))
    ctx = ctx_for("seal_labels")
    for size in ("70x50", "a4"):
        _write(out, f"seal_labels_{size}", build("seal_labels", ctx, label_size=size))


def run(args: argparse.Namespace, signer=None) -> int:
    """signer: signs the demo seals (default: a throwaway key whose public
    key is written next to the PDFs)."""
    from forms.context import DocumentContext

    out = Path(args.demo or args.blank)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.blank:
            from app.domain.reference_data import load_plan_notice
            from forms.context import PlanNotice
            ctx = DocumentContext.blank_form()
            ctx.plan_notice = PlanNotice(**load_plan_notice())     # 抽查依据 as the notice lists them
            _write_all(out, lambda _name: ctx)
            return 0
        return _demo(out, signer)
    except FontNotFound as e:
        print(e)
        return 2


def _demo(out: Path, signer) -> int:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from app.domain.seal_payload import KeySigner
    from forms.demo import demo_context, demo_no_sample_context, demo_problem_context, demo_refusal_context

    signer = signer or KeySigner()
    pem = Ed25519PublicKey.from_public_bytes(signer.public_key_bytes()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    ctx = demo_context(signer)
    special = {"refusal_form": demo_refusal_context(ctx), "problem_report": demo_problem_context(ctx)}
    _write_all(out, lambda name: special.get(name, ctx))
    key_file = out / "demo-device-public-key.pem"
    key_file.write_text(pem)
    (out / "seal_payloads.txt").write_text(
        "".join(f"{no}\t{text}\n" for no, text in ctx.seal_payloads.items()))
    print(f"{key_file}\n{out / 'seal_payloads.txt'}")
    print(bilingual("验证封条：{command}", command=f"field-sampler verify-seal --public-key {key_file} --image PNG"))
    return 0
