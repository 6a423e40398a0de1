"""Wire schemas of enrollment codes, the published app release, and the
protocol check (sync/PROTOCOL.md: "Enrollment codes", "App releases").

An enrollment code is what an admin hands a sampler for one laptop: typed
(12 letters and digits, shown as XXXX-XXXX-XXXX) or scanned as a QR whose
text is `fs-enroll:?server=<url>&code=<code>&user=<username>`.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, quote, urlencode

from pydantic import Field

from sync.protocol.schemas import Ok, Wire

# Sent by the app on every request; the server answers an unsupported one
# with 426 and a message the app shows (an old app cannot parse newer bodies,
# so the client recognises this one by status and shape alone).
PROTOCOL_HEADER = "FS-Protocol"
APP_VERSION_HEADER = "FS-App-Version"
UPGRADE_STATUS = 426

QR_SCHEME = "fs-enroll:"
# Crockford's base32: no I, L, O, U (read aloud or typed, they are confused).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12          # 60 bits
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalize_code(text: str) -> str:
    """What the sampler typed -> the canonical code: upper case, without
    spaces or dashes, O/I/L read as 0/1. May still be invalid (see is_code)."""
    return "".join(ch for ch in text.upper().translate(_TYPO) if ch not in " -\t")


def is_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def qr_text(server_url: str, code: str, username: str) -> str:
    return QR_SCHEME + "?" + urlencode({"server": server_url, "code": format_code(normalize_code(code)), "user": username},
                                       quote_via=quote)


def parse_qr(text: str) -> dict[str, str] | None:
    """{server, code, user} from a scanned enrollment QR, else None."""
    text = text.strip()
    if not text.lower().startswith(QR_SCHEME):
        return None
    query = text[len(QR_SCHEME):].lstrip("/").lstrip("?")
    values = {k: v[0] for k, v in parse_qs(query).items() if v}
    if "code" not in values:
        return None
    return {"server": values.get("server", ""), "code": values["code"], "user": values.get("user", "")}


class EnrollWithCodeRequest(Wire):
    code: str = Field(min_length=1, max_length=40, description="the one-time enrollment code")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(default="", max_length=100)
    public_key: str = Field(description="Ed25519 public key, 32 raw bytes, base64")


class EnrollmentCodeCreate(Wire):
    username: str = Field(min_length=1, max_length=64, description="the sampler the code is for")
    hours: int = Field(default=72, ge=1, le=720, description="valid for this many hours")


class EnrollmentCodeOut(Wire):
    id: str
    username: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    device_id: str | None = None
    cancelled_at: datetime | None = None
    state: str = Field(description="active | used | expired | cancelled")


class EnrollmentCodeIssued(Ok):
    """The plain code exists only in this answer; the server keeps its hash."""
    code: str = Field(description="XXXX-XXXX-XXXX, to type")
    qr_text: str = Field(description="text for a QR the laptop's camera scans")
    enrollment: EnrollmentCodeOut


class EnrollmentCodeList(Ok):
    codes: list[EnrollmentCodeOut]


class AppReleaseIn(Wire):
    version: str = Field(min_length=1, max_length=40, pattern=r"^\d+(\.\d+){0,3}$")
    download_url: str = Field(min_length=1, max_length=500)
    notes: str = Field(default="", max_length=2000)


class AppReleaseOut(Ok):
    """The app version the province wants samplers on; version "" = none published."""
    version: str = ""
    download_url: str = ""
    notes: str = ""
    published_at: datetime | None = None
    protocols: list[str] = Field(default_factory=list, description="protocol versions this server supports")

