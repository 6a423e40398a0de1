"""Rendering console pages: the Jinja2 environment (autoescaped), the page
language (a cookie; Chinese by default), one-shot flash messages and the
redirect after a post."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.domain import i18n
from app.domain.i18n import LANGUAGE_NAMES
from app.domain.times import china_text, china_today
from sync.server.console import strings
from sync.server.console.session import ConsoleUser, set_cookie

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "fs_lang"
FLASH_COOKIE = "fs_flash"
def china_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return china_text(value, fmt)


def china_date(value: datetime | None) -> str:
    return china_time(value, "%Y-%m-%d")


env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
env.filters["cst"] = china_time
env.filters["cst_date"] = china_date


def fmt_value(value, lang: str = strings.DEFAULT_LANG) -> str:
    """A record field as text: enums by their label, times in China time."""
    import enum
    from decimal import Decimal
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return strings.t("common.yes" if value else "common.no", lang)
    if isinstance(value, enum.Enum):
        key = f"v.{value.value}"
        return strings.t(key, lang) if key in strings.TEXT else str(value.value)
    if isinstance(value, datetime):
        return china_time(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, strings.DEFAULT_LANG)
    return lang if lang in strings.LANGS else strings.DEFAULT_LANG


def text(request: Request, key: str, **params) -> str:
    return strings.t(key, lang_of(request), **params)


def url_with(request: Request, **changes) -> str:
    """This page's URL with some query parameters changed (None removes)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return request.url.path + ("?" + urlencode(params) if params else "")


def render(request: Request, template: str, user: ConsoleUser | None, *, status: int = 200,
           **context) -> HTMLResponse:
    lang = lang_of(request)
    flash = _read_flash(request)
    body = env.get_template(template).render(
        request=request, user=user, lang=lang, t=partial(strings.t, lang=lang), tr=partial(i18n.tr, lang=lang),
        flash=flash,
        fmt=partial(fmt_value, lang=lang), language_names=LANGUAGE_NAMES, csrf=user.csrf if user else "", path=request.url.path, url_with=partial(url_with, request),
        today=china_today(), **context)
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/console")
    return response


def redirect(request: Request, url: str, *, flash: str = "", error: bool = False) -> RedirectResponse:
    """303 after a post (the browser GETs the page); the message shows once."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        raw = json.dumps(["error" if error else "ok", flash]).encode("utf-8")
        set_cookie(request, response, FLASH_COOKIE, base64.urlsafe_b64encode(raw).decode("ascii"), max_age=60)
    return response


def _read_flash(request: Request) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        kind, message = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
        return ("error" if kind == "error" else "ok"), str(message)
    except (ValueError, TypeError):
        return None
