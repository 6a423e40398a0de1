"""检验情况汇总表: the plan's summary sheet, one row per sample (a finished
record), as .xlsx or CSV. The result columns (检验结论, 不合格项目) come from
the lab's results (lab/overview.py) and stay empty until they exist.

The fields are columns copied from each record when it arrived
(records/fields.py), so 20,000 rows cost little more than writing the sheet."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import IO, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.auth.models import Agency
from sync.server.plan.models import Plan, PlanItem
from sync.server.records.models import Record
from app.domain.times import CHINA, china_today

# The province's column headings: the sheet is an official form, in Chinese only.
COLUMNS = ("序号", "产品名称", "受检单位", "地址", "生产单位", "商标", "规格型号", "生产日期/批号", "抽样日期",  # i18n: official form
           "抽样单编号", "承检机构", "检验结论", "不合格项目", "备注")  # i18n: official form
WIDTHS = (6, 16, 34, 40, 30, 12, 16, 22, 12, 20, 30, 10, 20, 20)


def rows(*, session: Session, plan_id: str, agency_id: str | None = None) -> Iterator[tuple]:
    """The sheet's rows in plan order (product, then sampling time)."""
    from sync.server.lab.overview import results_by_visit
    results = results_by_visit(session=session, plan_id=plan_id, agency_id=agency_id)
    q = (select(Record.visit_id, Record.record_no, Record.finished_at, Record.product, Record.party_name,
                Record.party_address, Record.producer, Record.trademark, Record.spec_model, Record.production_date, Record.batch_no,
                Record.remarks, Agency.name)
         .join(PlanItem, PlanItem.id == Record.plan_item_id).join(Agency, Agency.id == Record.agency_id, isouter=True)
         .where(PlanItem.plan_id == plan_id, Record.status == "finished")
         .order_by(PlanItem.seq, Record.finished_at, Record.id))
    if agency_id:
        q = q.where(Record.agency_id == agency_id)
    for n, (visit_id, no, finished, product, party, address, producer, trademark, spec, made, batch, remarks,
            agency) in enumerate(session.execute(q), start=1):
        sampled = finished.astimezone(CHINA).date().isoformat() if finished else ""
        yield (n, product, party, address, producer, trademark, spec, " / ".join(x for x in (made, batch) if x),
               sampled, no, agency or "", *results.get(visit_id, ("", "")), remarks)


def title(session: Session, plan_id: str) -> str:
    plan = session.get(Plan, plan_id)
    return f"{plan.title if plan else plan_id}检验情况汇总表"  # i18n: official form


def write_xlsx(out: IO[bytes], *, sheet_title: str, data: Iterator[tuple]) -> int:
    """Write-only workbook (rows streamed, not held as cells). Returns rows written."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检验情况汇总表")  # i18n: official form
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
    return f"summary-{plan_id}-{(today or china_today()).isoformat()}.{ext}"
