"""Inspected parties from an Excel .xlsx sheet: the first sheet, headers in
its first row (the same headers as the CSV import), line numbers as Excel
shows them."""
from __future__ import annotations

import io
from typing import Iterator

from sqlalchemy.orm import Session

from sync.server.parties.service import ImportReport, import_rows


class SheetError(ValueError):
    pass


def rows(data: bytes) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as e:
        raise SheetError(str(e) or type(e).__name__) from None
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(it, ())]
        if not any(header):
            raise SheetError("no header row")
        for line_no, values in enumerate(it, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            yield line_no, dict(zip(header, values))
    finally:
        wb.close()


def import_xlsx(*, session: Session, data: bytes, actor: str = "cli", source: str = "") -> ImportReport:
    return import_rows(session=session, rows=list(rows(data)), actor=actor, source=source or "xlsx")
