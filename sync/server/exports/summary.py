"""检验情况汇总表: the plan's summary sheet, one row per sample (a finished
record), as .xlsx or CSV. The result columns (检验结论, 不合格项目) stay
empty until the lab's results exist.

The fields are extracted from the stored documents by the database (JSON
functions of PostgreSQL / SQLite), so 20,000 rows cost little more than
writing the sheet."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import IO, Iterator

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from sync.server.auth.models import Agency
from sync.server.db import is_postgres
from sync.server.plan.models import Plan, PlanItem
from sync.server.records.models import Record
from sync.server.records.progress import CHINA

COLUMNS = ("序号", "产品名称", "受检单位", "地址", "生产单位", "商标", "规格型号", "生产日期/批号", "抽样日期",
           "抽样单编号", "承检机构", "检验结论", "不合格项目", "备注")
# document paths of the columns read from the record
_PATHS = {"party_name": ("party", "name"), "address": ("party", "address"), "producer": ("producer", "name"),
          "trademark": ("sample", "trademark"), "spec": ("sample", "spec_model"), "batch": ("sample", "batch_no"),
          "made": ("sample", "production_date"), "remarks": ("remarks",)}
WIDTHS = (6, 16, 34, 40, 30, 12, 16, 22, 12, 20, 30, 10, 20, 20)


def _extract(session: Session, path: tuple[str, ...]):
    if is_postgres(session):
        return literal_column(f"(d.doc #>> '{{{','.join(path)}}}')")
    return literal_column(f"json_extract(d.doc, '$.{'.'.join(path)}')")


def rows(*, session: Session, plan_id: str, agency_id: str | None = None) -> Iterator[tuple]:
    """The sheet's rows in plan order (product, then sampling time)."""
    doc = (literal_column("records.document::jsonb") if is_postgres(session) else Record.document).label("doc")
    inner = (select(Record.id, Record.record_no, Record.finished_at, Record.product, Agency.name.label("agency"),
                    PlanItem.seq, doc)
             .join(PlanItem, PlanItem.id == Record.plan_item_id).join(Agency, Agency.id == Record.agency_id, isouter=True)
             .where(PlanItem.plan_id == plan_id, Record.status == "finished"))
    if agency_id:
        inner = inner.where(Record.agency_id == agency_id)
    d = inner.subquery("d")
    q = (select(d.c.record_no, d.c.finished_at, d.c.product, d.c.agency,
                *(_extract(session, p).label(k) for k, p in _PATHS.items()))
         .order_by(d.c.seq, d.c.finished_at, d.c.id))
    for n, r in enumerate(session.execute(q), start=1):
        batch = " / ".join(x for x in (r.made, r.batch) if x)
        sampled = r.finished_at.astimezone(CHINA).date().isoformat() if r.finished_at else ""
        yield (n, r.product, r.party_name or "", r.address or "", r.producer or "", r.trademark or "", r.spec or "",
               batch, sampled, r.record_no, r.agency or "", "", "", r.remarks or "")


def title(session: Session, plan_id: str) -> str:
    plan = session.get(Plan, plan_id)
    return f"{plan.title if plan else plan_id}检验情况汇总表"


def write_xlsx(out: IO[bytes], *, sheet_title: str, data: Iterator[tuple]) -> int:
    """Write-only workbook (rows streamed, not held as cells). Returns rows written."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检验情况汇总表")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.append([sheet_title])
    ws.append(list(COLUMNS))
    n = 0
    for row in data:
        ws.append(row)
        n += 1
    wb.save(out)
    return n


def write_csv(out: IO[str], *, data: Iterator[tuple]) -> int:
    w = csv.writer(out)
    w.writerow(COLUMNS)
    n = 0
    for row in data:
        w.writerow(row)
        n += 1
    return n


def xlsx_bytes(*, session: Session, plan_id: str, agency_id: str | None = None) -> tuple[bytes, int]:
    buf = io.BytesIO()
    n = write_xlsx(buf, sheet_title=title(session, plan_id), data=rows(session=session, plan_id=plan_id,
                                                                          agency_id=agency_id))
    return buf.getvalue(), n


def csv_bytes(*, session: Session, plan_id: str, agency_id: str | None = None) -> tuple[bytes, int]:
    buf = io.StringIO()
    n = write_csv(buf, data=rows(session=session, plan_id=plan_id, agency_id=agency_id))
    # UTF-8 with a BOM: Excel on Windows opens it as UTF-8, not the local code page.
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def filename(plan_id: str, ext: str, today: date | None = None) -> str:
    return f"summary-{plan_id}-{(today or date.today()).isoformat()}.{ext}"
