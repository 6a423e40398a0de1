"""Path and query parameters, constrained like the body fields
(sync.protocol.fields): an id is 1-64 characters without control
characters (a NUL in a path id used to reach PostgreSQL)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from sync.protocol.fields import ID_PATTERN, SHA256_PATTERN

PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
PathSha = Annotated[str, Path(pattern=SHA256_PATTERN)]
QueryId = Annotated[str, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]
