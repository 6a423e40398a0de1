"""Inspected parties: import from CSV or a spreadsheet (bad rows reported by
line, good rows kept)."""
from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from app.domain.credit_code import credit_code_problem, normalize
from app.domain.i18n import bilingual
from app.domain.messages import CATALOG
from sync.protocol.schemas import PartyOut
from sync.server.audit import service as audit
from sync.server.guard import InputError, check_value
from sync.server.parties.models import PARTY_FIELDS, Party
from sync.server.pull.changes import record_change

# CSV headers: the sampling form's labels (FORMS.md) or the field names.
HEADERS = {  # i18n: words the imported file may use
    "名称": "name", "受检单位名称": "name", "统一社会信用代码": "credit_code",
    "营业执照/许可证编号": "licence_no", "营业执照编号": "licence_no", "许可证编号": "licence_no",
    "生产许可证": "production_licence_no", "生产许可证编号": "production_licence_no",
    "CCC证书": "ccc_certificate_no", "CCC证书编号": "ccc_certificate_no",
    "地址": "address", "邮编": "postcode", "法定代表人": "legal_representative", "联系人": "contact",
    "电话": "phone", "企业规模": "scale", "抽样领域": "scope", "地区": "region",
    "纬度": "latitude", "经度": "longitude",
}
SCOPE_WORDS = {  # i18n: words the imported file may use
    "生产": "producer", "生产者": "producer", "流通": "seller", "销售者": "seller", "销售": "seller",
    "加油站": "gas_station", "producer": "producer", "seller": "seller", "gas_station": "gas_station"}


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)   # (line, message)


def _field_problem(row: dict) -> str | None:
    """A value the parties table cannot hold (too long for its column, a NUL)."""
    for key, value in row.items():
        column = Party.__table__.columns.get(key)
        if column is None:
            continue
        try:
            check_value(value, key, column.type.length if isinstance(column.type, String) else None)
        except InputError as e:
            return f"{e.problem.zh} ({e.problem.en})"
    return None


def _row_problem(row: dict) -> str | None:
    bad = _field_problem(row)
    if bad:
        return bad
    if not row.get("name"):
        return bilingual("缺少名称")
    code_problem = credit_code_problem(row.get("credit_code", ""))
    if code_problem:
        return f"{bilingual(CATALOG[code_problem])}: {row.get('credit_code', '')}"
    if row.get("scope", "seller") not in ("producer", "seller", "gas_station"):
        return bilingual("抽样领域无效（应为生产/流通/加油站）：{scope}", scope=row.get("scope"))
    if not row.get("address"):
        return bilingual("缺少地址")
    for key, limit in (("latitude", 90), ("longitude", 180)):
        text = row.get(key, "")
        try:
            ok = not text or abs(float(text)) <= limit
        except ValueError:
            ok = False
        if not ok:
            return bilingual("纬度或经度无效（应为十进制度数）：{value}", value=text)
    if bool(row.get("latitude")) != bool(row.get("longitude")):
        return bilingual("纬度和经度须同时填写")
    return None


def save_party(*, session: Session, data: dict) -> tuple[Party, bool]:
    code = normalize(data["credit_code"])
    party = session.scalar(select(Party).where(Party.credit_code == code))
    created = party is None
    if created:
        party = Party(id=data.get("id") or f"p-{uuid.uuid4().hex[:12]}", credit_code=code)
    for f in PARTY_FIELDS + ("region",):
        if f in data and f != "credit_code":
            setattr(party, f, data[f])
    session.add(party)
    session.flush()
    record_change(session=session, kind="party", entity_id=party.id)
    return party, created


def import_csv(*, session: Session, text: str, actor: str = "cli", source: str = "") -> ImportReport:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return import_rows(session=session, rows=enumerate(reader, start=2), actor=actor, source=source or "csv")


def import_rows(*, session: Session, rows: Iterable[tuple[int, dict]], actor: str = "cli",
                source: str = "") -> ImportReport:
    """(line number, {header: value}) rows from a CSV or a spreadsheet: bad
    rows are reported by line, good rows kept."""
    report = ImportReport()
    seen: set[str] = set()
    for line_no, raw in rows:
        row = {HEADERS.get(str(k or "").strip(), str(k or "").strip()): _cell(v) for k, v in raw.items()}
        if "scope" in row:
            row["scope"] = SCOPE_WORDS.get(row["scope"], row["scope"]) if row["scope"] else "seller"
        problem = _row_problem(row)
        code = normalize(row.get("credit_code", ""))
        if problem is None and code in seen:
            problem = bilingual("文件中统一社会信用代码重复：{code}", code=code)
        if problem:
            report.errors.append((line_no, problem))
            continue
        seen.add(code)
        with session.begin_nested():
            _, created = save_party(session=session, data=row)
        report.added += created
        report.updated += not created
    audit.log(session=session, actor=actor, action="parties.import", target=source,
              detail={"added": report.added, "updated": report.updated, "errors": len(report.errors)},
              after={"added": report.added, "updated": report.updated,
                     "refused_lines": [line for line, _ in report.errors][:200]})
    return report


def _cell(value) -> str:
    """A CSV string or a spreadsheet cell (numbers, dates) as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def party_out(p: Party) -> PartyOut:
    return PartyOut(id=p.id, **{f: getattr(p, f) for f in PARTY_FIELDS})
