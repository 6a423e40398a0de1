"""Does a photo prove itself? Its capture time and position (read from the
file at import) against the visit: flags for the sampler at once and for
the province in the synced record. A flag does not refuse the photo: the
sampler may have good reasons; the reviewer sees them."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from app.domain.times import CHINA
from app.domain.i18n import N_, tr

# A camera clock a few minutes off is normal; these are not.
CLOCK_SLACK = timedelta(minutes=10)
STALE_AFTER = timedelta(hours=3)      # "taken more than a few hours before it was imported"
FAR_METRES = 1000                     # GPS is good to tens of metres; a forecourt is not a kilometre wide

NO_TIME, BEFORE_VISIT, STALE, CLOCK_AHEAD, FAR = "no_time", "before_visit", "stale", "clock_ahead", "far_from_party"

FLAG_TEXTS = {
    NO_TIME: N_("没有拍摄时间，无法核实拍摄于本次抽样"),
    BEFORE_VISIT: N_("拍摄于本次抽样开始之前（{taken}）"),
    STALE: N_("拍摄于导入前{hours}小时以上（{taken}）"),
    CLOCK_AHEAD: N_("拍摄时间晚于导入时间，相机时钟可能有误（{taken}）"),
    FAR: N_("拍摄地点距受检单位约{km}公里"),
}


def distance_m(lat1: str, lon1: str, lat2: str, lon2: str) -> int | None:
    """Great-circle distance in metres between two positions given as text."""
    try:
        a1, o1, a2, o2 = (math.radians(float(x)) for x in (lat1, lon1, lat2, lon2))
    except (TypeError, ValueError):
        return None
    h = math.sin((a2 - a1) / 2) ** 2 + math.cos(a1) * math.cos(a2) * math.sin((o2 - o1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h))))


def photo_flags(*, taken_at: datetime | None, imported_at: datetime, visit_started: datetime | None,
                distance: int | None) -> list[str]:
    """The flags of one photo or video (stable codes, in the order shown)."""
    flags = []
    if taken_at is None:
        flags.append(NO_TIME)
    else:
        if visit_started is not None and taken_at < visit_started - CLOCK_SLACK:
            flags.append(BEFORE_VISIT)
        if taken_at < imported_at - STALE_AFTER:
            flags.append(STALE)
        if taken_at > imported_at + CLOCK_SLACK:
            flags.append(CLOCK_AHEAD)
    if distance is not None and distance > FAR_METRES:
        flags.append(FAR)
    return flags


def flag_text(flag: str, *, taken_at: datetime | None, distance: int | None, lang: str | None = None) -> str:
    """The flag in words (default: the current language), times in China time."""
    taken = taken_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if taken_at else ""
    km = f"{(distance or 0) / 1000:.1f}"
    hours = int(STALE_AFTER.total_seconds() // 3600)
    return tr(FLAG_TEXTS[flag], lang, taken=taken, km=km, hours=hours)
