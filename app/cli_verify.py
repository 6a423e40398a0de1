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
        raise ValueError(f"{path}: 不是 Ed25519 公钥 (not an Ed25519 public key)")
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
            name += f"（{str(d['revoked_at'])[:10]} 起停用 / revoked）"
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
            keys[own.public_key_bytes()] = "本机 (this device)"
    return keys


def _texts_from_image(path: str) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        raise SystemExit("读取图片需要 zxing-cpp：pip install zxing-cpp (reading images needs zxing-cpp)")
    from PIL import Image
    with Image.open(path) as img:
        results = zxingcpp.read_barcodes(img.convert("L"))
    return [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]


def describe(p) -> str:
    from forms.common import KIND_ZH, local
    t = local(p.sealed_at)
    return "\n".join([
        f"  封条编号 seal no:        {p.seal_no}",
        f"  样品类别 sample kind:    {KIND_ZH[p.kind]} ({p.kind.value}), 第 {p.package_no} 件"
        + ("，封存于受检单位" if p.on_site_storage else ""),
        f"  抽样记录 record id:      {p.record_id}",
        f"  封样时间 sealed at:      {t:%Y-%m-%d %H:%M:%S} (UTC+8)",
        f"  记录哈希 hash prefix:    {p.hash_prefix}",
        f"  设备密钥 device key id:  {p.key_id}"])


def verify_one(text: str, keys: dict[bytes, str]) -> int:
    from app.domain.seal_payload import SealPayloadError, decode, key_id, verify
    try:
        payload = verify(text, list(keys))
    except SealPayloadError as e:
        print(f"封条无效 INVALID: {e}", file=sys.stderr)
        try:
            print("未经验证的内容 (unverified content):\n" + describe(decode(text)[0]), file=sys.stderr)
        except SealPayloadError:
            pass
        return EXIT.get(e.reason, 1)
    device = next((n for k, n in keys.items() if key_id(k) == payload.key_id), "")
    print(f"封条有效 VALID (签名设备 signed by: {device})\n{describe(payload)}")
    return 0


def run(args: argparse.Namespace) -> int:
    if not args.payload and not args.image:
        print("请给出封条内容或 --image 图片 (give a payload or --image PNG)", file=sys.stderr)
        return 2
    try:
        keys = _keys(args)
    except (OSError, ValueError, KeyError) as e:
        print(f"无法读取公钥 (cannot read public keys): {e}", file=sys.stderr)
        return 4
    if not keys:
        print("没有可用的设备公钥：请用 --public-key 或 --keys 指定 (no public key: use --public-key or --keys)",
              file=sys.stderr)
        return 4
    texts = [args.payload] if args.payload else _texts_from_image(args.image)
    if not texts:
        print(f"图片中没有找到二维码 (no QR code found in {args.image})", file=sys.stderr)
        return 2
    return max(verify_one(t, keys) for t in texts)
