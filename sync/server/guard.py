"""The database's gate: nothing is written that one database would store
and the other refuse, and nothing stored can make a read fail.

Requests are validated against their schemas first (sync.protocol.fields,
with the field named); this is the net under every path to the database,
the command line included: before each flush every string bound for a
column is checked against that column's length and for NUL and unpaired
surrogates (PostgreSQL refuses a NUL, SQLite stores it; neither can encode
a lone surrogate; SQLite ignores VARCHAR lengths), and every parameter of
every statement is checked the same way (a NUL in a WHERE clause is an
error on PostgreSQL and a silent mismatch on SQLite). Failures raise
InputError, answered 422 like a schema error.

Reading: a stored time Python cannot represent (PostgreSQL 'infinity',
year 10000+, text that is no time in SQLite) loads as None instead of
failing the whole query; reports treat it as unknown (db.UTCDateTime)."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from sync.protocol.fields import MAX_INT
from sync.protocol.input_messages import input_problem
from sync.protocol.schemas import ProblemOut

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class InputError(ValueError):
    """A value the database must not receive; `problem` names the field."""

    def __init__(self, problem: ProblemOut):
        super().__init__(f"{problem.field}: {problem.en}")
        self.problem = problem


def check_value(value: Any, field: str, max_length: int | None = None) -> None:
    if isinstance(value, str):
        if _BAD_TEXT.search(value):
            raise InputError(input_problem("input.text", field))
        if max_length is not None and len(value) > max_length:
            raise InputError(input_problem("input.too_long", field, max=max_length))
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -MAX_INT <= value <= MAX_INT:
            raise InputError(input_problem("input.range", field))
    elif isinstance(value, dict):
        for k, v in value.items():
            check_value(k, field)
            check_value(v, field)
    elif isinstance(value, (list, tuple)):
        for v in value:
            check_value(v, field)


def _check_flush(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        table = state.mapper.persist_selectable.name
        for attr in state.mapper.column_attrs:
            if attr.key not in state.dict:          # not loaded, not set: nothing to write
                continue
            column = attr.columns[0]
            length = column.type.length if isinstance(column.type, String) else None
            check_value(state.dict[attr.key], f"{table}.{column.name}", length)


def _param_names(context, count: int) -> list[str]:
    names = list(getattr(getattr(context, "compiled", None), "positiontup", None) or [])
    return names if len(names) == count else [""] * count


def _check_parameters(_conn, _cursor, _statement, parameters, context, executemany) -> None:
    rows = parameters if executemany else [parameters]
    for row in rows or ():
        if isinstance(row, dict):
            items = row.items()
        elif isinstance(row, (list, tuple)):
            items = zip(_param_names(context, len(row)), row)
        else:
            continue
        for name, value in items:
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                check_value(value, re.sub(r"_\d+$", "", str(name)))


def install(engine: Engine, sessions: sessionmaker) -> None:
    event.listen(engine, "before_cursor_execute", _check_parameters)
    event.listen(sessions, "before_flush", _check_flush)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _tolerant_time_loaders)


def _tolerant_time_loaders(dbapi_conn, _record) -> None:
    """psycopg: a timestamp outside Python's range loads as None."""
    from psycopg import DataError
    from psycopg.types.datetime import TimestampLoader, TimestamptzLoader

    def tolerant(base):
        class Loader(base):
            def load(self, data):
                try:
                    return super().load(data)
                except DataError:
                    return None
        return Loader

    dbapi_conn.adapters.register_loader("timestamp", tolerant(TimestampLoader))
    dbapi_conn.adapters.register_loader("timestamptz", tolerant(TimestamptzLoader))
