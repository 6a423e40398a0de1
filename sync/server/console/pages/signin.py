"""Sign in, sign out, and the page language."""
from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from sync.server.auth.roles import LAB_ROLES
from sync.server.console import session as sessions
from sync.server.console.access import AnyForm
from sync.server.console.web import LANG_COOKIE, lang_of, redirect, render, text
from sync.server.errors import ApiError

router = APIRouter(prefix="/console", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a console path of this server (no open redirect)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/"


@router.get("")
@router.get("/")
def home(request: Request):
    """The dashboard; the lab's own list for lab accounts."""
    try:
        user = sessions.current(request)
    except sessions.SessionEnded:
        user = None
    lab = user is not None and user.role in LAB_ROLES
    return RedirectResponse("/console/lab" if lab else "/console/dashboard", status_code=303)


def _form(request: Request, *, error: str = "", username: str = "", next_url: str = "", status: int = 200):
    pre = sessions.new_pre_token()
    notice = ""
    if request.query_params.get("expired"):
        notice = text(request, "signin.expired")
    elif request.query_params.get("out"):
        notice = text(request, "signin.signed_out")
    response = render(request, "signin.html", None, status=status, error=error, notice=notice, pre=pre,
                      username=username, next_url=next_url or request.query_params.get("next", ""))
    sessions.set_cookie(request, response, sessions.PRE_COOKIE, pre, max_age=3600)
    return response


@router.get("/signin")
def signin_page(request: Request):
    return _form(request)


@router.post("/signin")
async def signin(request: Request):
    form = await request.form()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_url = str(form.get("next") or "")
    pre_cookie = request.cookies.get(sessions.PRE_COOKIE, "")
    sent = str(form.get("csrf") or "")
    if not pre_cookie or not hmac.compare_digest(sent, pre_cookie):
        return _form(request, error=text(request, "error.csrf.text"), username=username, next_url=next_url,
                     status=403)
    from fastapi.concurrency import run_in_threadpool
    try:
        token = await run_in_threadpool(sessions.sign_in, request, username, password)
    except ApiError as e:
        if e.error.code == "auth.rate_limited":
            message = text(request, "signin.rate_limited", seconds=e.error.params.get("seconds", 60))
            return _form(request, error=message, username=username, next_url=next_url, status=429)
        return _form(request, error=text(request, "signin.invalid"), username=username, next_url=next_url,
                     status=401)
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    sessions.set_cookie(request, response, sessions.COOKIE, token)
    response.delete_cookie(sessions.PRE_COOKIE, path="/console")
    return response


@router.post("/signout")
def signout(request: Request, form: AnyForm):
    user = request.state.console_user
    sessions.sign_out(request, user)
    response = redirect(request, "/console/signin?out=1")
    response.delete_cookie(sessions.COOKIE, path="/console")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = ""):
    """A display preference, not a change of data: a plain link."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in ("zh", "en"):
        sessions.set_cookie(request, response, LANG_COOKIE, code, max_age=365 * 86400)
    return response


__all__ = ["router", "lang_of"]
