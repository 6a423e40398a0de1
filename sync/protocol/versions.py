"""App version numbers compared the same way by the app and the server
(plain Python: imported by the app's start-up path, so no pydantic)."""
from __future__ import annotations


def version_key(text: str) -> tuple[int, ...]:
    """'1.10.2' -> (1, 10, 2); anything after the numeric release (a local or
    pre-release tag) is ignored; a string with no leading number is ()."""
    out = []
    for part in text.strip().lstrip("vV").split("."):
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        out.append(int(digits))
        if len(digits) != len(part):
            break
    return tuple(out)


def is_newer(candidate: str, current: str) -> bool:
    """Is `candidate` a later release than `current`? Unparsable: no."""
    cand = version_key(candidate)
    return bool(cand) and cand > version_key(current)
