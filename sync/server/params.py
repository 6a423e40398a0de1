"""Path and query parameters, constrained like the body fields
(sync.protocol.fields): an id is 1-64 characters without control
characters (a NUL in a path id used to reach PostgreSQL)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from starlette.convertors import Convertor, register_url_convertor

from sync.protocol.fields import ID_PATTERN, SHA256_PATTERN

PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
PathSha = Annotated[str, Path(pattern=SHA256_PATTERN)]
QueryId = Annotated[str, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]


class Sha256Convertor(Convertor):
    """`{sha256:sha256}` in a route path: only a hash routes there, so
    PATCH /v1/blobs/missing is a method the path lacks (405), not a
    malformed hash."""
    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sha256", Sha256Convertor())
