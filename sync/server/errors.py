"""API errors: one exception type carrying an HTTP status and problems with
their Chinese/English text; rendered as ErrorBody (ok: false)."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sync.protocol.messages import problem
from sync.protocol.schemas import ErrorBody, ProblemOut


class ApiError(Exception):
    def __init__(self, status: int, code: str, *, problems: list[ProblemOut] | None = None,
                 headers: dict[str, str] | None = None, **params: Any):
        self.status = status
        self.error = problem(code, **params)
        self.problems = problems or [self.error]
        self.headers = headers or {}
        super().__init__(f"{status} {code}")


def error_response(status: int, err: ProblemOut, problems: list[ProblemOut] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=err, problems=problems or [])
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError):
        return error_response(exc.status, exc.error, exc.problems, exc.headers)


# Shown in the OpenAPI document for every endpoint that can fail.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "Malformed request"), (401, "No, invalid, expired or revoked token"),
        (403, "Wrong role, agency or team"), (404, "Not found"), (429, "Too many sign-in attempts"))
}
