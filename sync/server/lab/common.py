"""Small things every lab service uses: who acts, the refusal a page shows
in the user's language, China dates, photo checks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.i18n import N_, is_english, tr
from app.domain.times import CHINA

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Actor:
    username: str
    name: str
    agency_id: str | None


class LabError(ValueError):
    """Refused input: `text` is the Chinese catalogue key, filled with params
    in the page's language by message()."""

    def __init__(self, text: str, **params):
        super().__init__(text.format(**params) if params else text)
        self.text, self.params = text, params

    def message(self, lang: str | None = None) -> str:
        # a parameter that is itself a catalogue entry (a field name marked N_) is translated too
        # a list is joined in the language's way
        def one(v):
            if isinstance(v, (list, tuple)):
                return (", " if is_english(lang) else "\u3001").join(tr(x, lang) for x in v)  # i18n: separators
            return tr(v, lang) if isinstance(v, str) else v
        return tr(self.text, lang, **{k: one(v) for k, v in self.params.items()})


def china_day(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def parse_day(value: str | None, *, required: bool = False, field: str = "") -> str:
    """A YYYY-MM-DD date as typed into a form ('' when empty and optional)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise LabError(N_("请填写{field}"), field=field)
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise LabError(N_("{field}不是有效日期（格式 2022-11-20）"), field=field) from None


def day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def image_kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return None


def check_photo(data: bytes, filename: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise LabError(N_("照片 {name} 太大（上限 {mb} MB）"), name=filename, mb=MAX_FILE_BYTES // 2 ** 20)
    if image_kind(data) is None:
        raise LabError(N_("{name} 不是 JPEG 或 PNG 照片"), name=filename)
