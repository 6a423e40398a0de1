"""A photo of a seal (a phone picture, a scan) decoded on the server: the
QR texts that look like seal payloads, best first."""
from __future__ import annotations

import io

from app.domain.i18n import N_
from app.domain.seal_payload import PREFIX
from sync.server.lab.common import LabError, check_photo

MAX_PIXELS = 40_000_000          # a 40 MP photo decodes in well under a second; beyond that, refuse


def seal_texts(data: bytes, filename: str = "") -> list[str]:
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError
    check_photo(data, filename or N_("封条照片"))
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise LabError(N_("照片像素过多，请缩小后再上传"))
            gray = ImageOps.exif_transpose(img).convert("L")
    except (UnidentifiedImageError, OSError):
        raise LabError(N_("无法读取照片")) from None
    # QR only: a 1D reader can "find" a barcode in the printed text of a label
    texts = [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]
    return sorted({t for t in texts if t.startswith(PREFIX)}, key=texts.index) + \
        [t for t in texts if not t.startswith(PREFIX) and t.startswith("FSR1:")]
