"""The app version a device runs, as its User-Agent says at each pull
("field-sampler/0.1.0 fs-sync/1"): shown in the console's device list."""
from __future__ import annotations

import re

from sync.server.devices.models import Device

_UA = re.compile(r"field-sampler/([0-9A-Za-z.+-]{1,40})")


def note_app_version(device: Device, user_agent: str) -> None:
    m = _UA.search(user_agent or "")
    if m and device.app_version != m.group(1):
        device.app_version = m.group(1)
