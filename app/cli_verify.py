"""`field-sampler verify-seal PAYLOAD` / `--image PNG`: decode a seal QR and
check its signature against registered device public keys.

Where the keys come from: `--public-key FILE` (PEM, or the base64 raw key
that enrollment sends to the server; repeatable) and/or `--keys FILE`, the
registry of enrolled devices a lab exports from the provincial server:
JSON {"devices": [{"device_id": "...", "name": "...", "public_key": "<base64>"}]}.
With neither, this device's own key from the OS keyring is used (a laptop
can check the labels it printed).

Exit status: 0 valid; 1 invalid signature (altered or forged); 2 not a
readable seal payload / no QR found; 3 signed by an unknown (unregistered)
device; 4 no public key available.
"""
from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

from app.domain.i18n import N_, bilingual, both, tr

EXIT = {"bad_signature": 1, "malformed": 2, "version": 2, "unknown_key": 3}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("payload", nargs="?", help="the seal QR text (FS…)")
    parser.add_argument("--image", metavar="PNG", help="read the seal QR code(s) from an image")
    parser.add_argument("--public-key", metavar="FILE", action="append", default=[],
                        help="a registered device public key (PEM or base64 raw); repeatable")
    parser.add_argument("--keys", metavar="FILE", help="registry of enrolled device keys (JSON)")


def load_key_file(path: Path) -> bytes:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from app.domain.seal_payload import raw_public_key
    text = path.read_text().strip()
    if text.startswith("-----BEGIN"):
        return raw_public_key(load_pem_public_key(text.encode()))
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError(bilingual("{path}：不是 Ed25519 公钥", path=path))
    return raw


def load_registry(path: Path) -> dict[bytes, str]:
    """`field-sampler-server export-keys` (or GET /v1/devices/keys) output.
    A revoked device's key stays in it: seals it printed before are genuine;
    the date is shown so the lab can compare it with the sampling date."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for d in data.get("devices", []):
        name = d.get("name") or d.get("device_id", "")
        if d.get("revoked_at"):
            name += " " + bilingual("{date}起停用", date=str(d["revoked_at"])[:10])
        out[base64.b64decode(d["public_key"])] = name
    return out


def _keys(args) -> dict[bytes, str]:
    keys: dict[bytes, str] = {}
    for f in args.public_key:
        keys[load_key_file(Path(f))] = Path(f).name
    if args.keys:
        keys.update(load_registry(Path(args.keys)))
    if not keys:
        from app.services.device_key import DeviceKey
        own = DeviceKey.load()
        if own is not None:
            keys[own.public_key_bytes()] = bilingual("本机")
    return keys


def _texts_from_image(path: str) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        raise SystemExit(bilingual("读取图片需要 zxing-cpp：pip install zxing-cpp"))
    from PIL import Image
    with Image.open(path) as img:
        results = zxingcpp.read_barcodes(img.convert("L"))
    return [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]


def describe(p) -> str:
    from app.domain.labels import SAMPLE_KIND
    from app.domain.times import china
    t = china(p.sealed_at)
    kind = N_("{kind}，第{n}件，封存于受检单位") if p.on_site_storage else N_("{kind}，第{n}件")
    rows = [(N_("封条编号"), p.seal_no),
            (N_("样品类别"), " / ".join(tr(kind, lang, kind=tr(SAMPLE_KIND[p.kind], lang), n=p.package_no)
                                      for lang in ("zh_CN", "en"))),
            (N_("抽样记录"), p.record_id),
            (N_("封样时间"), f"{t:%Y-%m-%d %H:%M:%S} (UTC+8)"),
            (N_("记录哈希"), p.hash_prefix),
            (N_("设备密钥"), p.key_id)]
    return "\n".join(f"  {' '.join(both(label))}:".ljust(32) + value for label, value in rows)


def verify_one(text: str, keys: dict[bytes, str]) -> int:
    from app.domain.seal_payload import SealPayloadError, decode, key_id, verify
    try:
        payload = verify(text, list(keys))
    except SealPayloadError as e:
        print(bilingual("封条无效：{reason}", reason=e), file=sys.stderr)
        try:
            print(bilingual("未经验证的内容：") + "\n" + describe(decode(text)[0]), file=sys.stderr)
        except SealPayloadError:
            pass
        return EXIT.get(e.reason, 1)
    device = next((n for k, n in keys.items() if key_id(k) == payload.key_id), "")
    print(bilingual("封条有效，签名设备：{device}", device=device) + "\n" + describe(payload))
    return 0


def run(args: argparse.Namespace) -> int:
    if not args.payload and not args.image:
        print(bilingual("请给出封条内容或 --image 图片"), file=sys.stderr)
        return 2
    try:
        keys = _keys(args)
    except (OSError, ValueError, KeyError) as e:
        print(bilingual("无法读取公钥：{reason}", reason=e), file=sys.stderr)
        return 4
    if not keys:
        print(bilingual("没有可用的设备公钥：请用 --public-key 或 --keys 指定"), file=sys.stderr)
        return 4
    texts = [args.payload] if args.payload else _texts_from_image(args.image)
    if not texts:
        print(bilingual("图片中没有找到二维码：{path}", path=args.image), file=sys.stderr)
        return 2
    return max(verify_one(t, keys) for t in texts)
