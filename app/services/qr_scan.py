"""Read an enrollment QR from one camera frame (Qt-free: the first-run
screen hands over the frame's grey pixels; decoding runs on the pool)."""
from __future__ import annotations

from sync.protocol.enrollment import parse_qr


def decode_enrollment(width: int, height: int, stride: int, grey: bytes) -> dict[str, str] | None:
    """{server, code, user} from an 8-bit grey frame, or None when no
    enrollment QR is in view (other QR codes are ignored)."""
    import zxingcpp
    from PIL import Image
    img = Image.frombuffer("L", (width, height), grey, "raw", "L", stride, 1)
    for result in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode):
        found = parse_qr(result.text)
        if found:
            return found
    return None
