"""`field-sampler documents --demo OUTDIR | --blank OUTDIR`: write the
official documents as PDF files."""
from __future__ import annotations

import argparse
from pathlib import Path

from forms.fonts import FontNotFound


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--demo", metavar="OUTDIR", help="every document of a demo visit (车用汽油 92# at a gas station)")
    mode.add_argument("--blank", metavar="OUTDIR", help="blank forms for the paper fallback")
    parser.add_argument("--device-key", action="store_true",
                        help="sign the demo seals with this device's key from the OS keyring "
                             "(default: a throwaway key whose public key is written next to the PDFs)")


def _write(out: Path, name: str, data: bytes) -> None:
    path = out / f"{name}.pdf"
    path.write_bytes(data)
    print(f"{path}  ({len(data) // 1024} KB)")


def run(args: argparse.Namespace) -> int:
    from forms import seal_labels
    from forms.context import DocumentContext
    from forms.documents import DOCUMENTS

    out = Path(args.demo or args.blank)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.blank:
            from app.store.reference_data import load_plan_notice
            from forms.context import PlanNotice
            ctx = DocumentContext.blank_form()
            ctx.plan_notice = PlanNotice(**load_plan_notice())     # 抽查依据 as the notice lists them
            for name, (_title, build) in DOCUMENTS.items():
                _write(out, name, build(ctx))
            _write(out, "seal_labels_a4", seal_labels.build(ctx, seal_labels.A4_SHEET))
            return 0
        return _demo(out, args.device_key)
    except FontNotFound as e:
        print(e)
        return 2


def _demo(out: Path, use_device_key: bool) -> int:
    from app.domain.seal_payload import KeySigner
    from forms import seal_labels
    from forms.demo import demo_context, demo_no_sample_context, demo_problem_context, demo_refusal_context
    from forms.documents import DOCUMENTS

    if use_device_key:
        from app.services.device_key import DeviceKey
        signer = DeviceKey.load_or_create()
        pem = signer.public_key_pem()
    else:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        key = Ed25519PrivateKey.generate()
        signer = KeySigner(key)
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    ctx = demo_context(signer)
    special = {"refusal_form": demo_refusal_context(ctx), "problem_report": demo_problem_context(ctx),
               "no_sample_statement": demo_no_sample_context(ctx)}
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
