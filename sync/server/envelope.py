"""Every reply in the protocol's envelope, and every status in OpenAPI.

FastAPI and Starlette answer some requests themselves (a body that does not
parse, a field outside its schema, an unknown path, a method the path does
not have) with `{"detail": ...}`; here those become `ErrorBody` (ok: false,
the field named, Chinese and English text), like the server's own errors.
`COMMON_RESPONSES` are the statuses every route can answer (413, 422, 500),
declared on each route in OpenAPI."""
from __future__ import annotations

import re
from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol.fields import DECIMAL_PATTERN
from sync.protocol.input_messages import EXPECTED, input_problem
from sync.protocol.messages import problem
from sync.protocol.schemas import ErrorBody, ProblemOut
from sync.server.errors import error_response
from sync.server.guard import InputError

MAX_PROBLEMS = 20
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def field_name(loc: Iterable[Any]) -> str:
    """("body", "document", "evidence", 2, "sha256") -> "document.evidence[2].sha256"."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        where, parts = parts[0], parts[1:]
        if not parts:
            return str(where)             # the body itself (missing, not an object)
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def problem_for(err: dict) -> ProblemOut:
    """One pydantic/FastAPI error -> a problem with a stable code."""
    kind, ctx, field = err.get("type", ""), err.get("ctx") or {}, field_name(err.get("loc", ()))
    value = err.get("input")
    if kind == "missing":
        return input_problem("input.missing", field)
    if kind == "extra_forbidden":
        return input_problem("input.unknown", field)
    if kind in ("json_invalid", "json_type"):
        return input_problem("input.json", "body")
    if kind in ("text_nul", "text_surrogate", "string_unicode"):
        return input_problem("input.text", field)
    if kind == "datetime_naive" or kind == "timezone_aware":
        return input_problem("input.timezone", field)
    if kind == "datetime_format" or kind.startswith("datetime"):
        return input_problem("input.datetime", field)
    if kind == "date_format" or kind.startswith("date"):
        return input_problem("input.date", field)
    if kind == "json_float" or (isinstance(value, float) and kind.endswith("_type")):
        return input_problem("input.float", field)
    if kind == "finite_number":
        return input_problem("input.number", field)
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and "\x00" in value:
            return input_problem("input.text", field)
        return input_problem("input.decimal" if ctx.get("pattern") == DECIMAL_PATTERN else "input.format", field)
    if kind in ("string_too_long", "too_long"):
        return input_problem("input.too_long", field, max=ctx.get("max_length", ""))
    if kind in ("string_too_short", "too_short"):
        return input_problem("input.too_short", field, min=ctx.get("min_length", ""))
    if kind in ("literal_error", "enum"):
        return input_problem("input.choice", field, choices=ctx.get("expected", ""))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal") or kind.endswith("_parsing_size"):
        return input_problem("input.range", field)
    if kind.endswith("_type") or kind.endswith("_parsing"):
        base = kind.rsplit("_", 1)[0]
        return input_problem("input.type", field, expected=EXPECTED.get(base, base))
    return input_problem("input.invalid", field, detail=err.get("msg", kind))


def validation_response(errors: list[dict]):
    problems = [problem_for(e) for e in errors[:MAX_PROBLEMS]]
    return error_response(422, problems[0], problems)


def _method_problem(request: Request) -> ProblemOut:
    return input_problem("request.method", "", method=request.method)


def _allowed(request: Request) -> list[str]:
    """Every method documented for this path (Starlette names only the first
    route's, and a path has one route per method)."""
    app = request.app
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = []
        for template, ops in app.openapi()["paths"].items():
            pattern = re.sub(r"\{(\w+)\}", lambda m: "[0-9a-f]{64}" if m.group(1) == "sha256" else "[^/]+",
                             re.escape(template).replace("\\{", "{").replace("\\}", "}"))
            table.append((re.compile(f"^{pattern}$"), {m.upper() for m in ops}))
        app.state.allowed_methods = table
    return sorted({m for rx, methods in table if rx.match(request.url.path) for m in methods})


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError):
        return validation_response(list(exc.errors()))

    @app.exception_handler(InputError)
    async def _input(_req: Request, exc: InputError):
        return error_response(422, exc.problem, [exc.problem])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            return error_response(404, problem("not_found", what=request.url.path[:200]), headers=headers)
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed(request))
            return error_response(405, _method_problem(request), headers=headers)
        if exc.status_code == 400:       # FastAPI: "There was an error parsing the body"
            p = input_problem("input.json", "body")
            return error_response(422, p, [p])
        return error_response(exc.status_code, problem("bad_request", detail=str(exc.detail)[:200]),
                              headers=headers)


# --- OpenAPI: statuses every route can answer -------------------------------

COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (413, "Body over this route's size limit (checked before parsing and before the token)"),
        (422, "Input outside its schema: each problem names its field"),
        (500, "Unexpected server error (the client retries)"))
}
