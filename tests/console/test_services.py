"""The console's services on the demo server's database: the demo history
is real (hashes verify), an altered record shows as mismatched, documents
are regenerated from the stored record, parties import from CSV and .xlsx
with bad rows by line, the summary export (CLI, CSV) matches the records."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter

from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.canonical import canonical_hash
from sync.server.devices import listing
from sync.server.records.models import Record
from sync.server.records.progress import CHINA
from tests.conftest import make_credit_code
from tests.console.conftest import csrf_of


def test_demo_history_is_week_three_of_a_real_plan(console_server):
    db = console_server.db()
    with db.session() as s:
        recs = list(s.scalars(select(Record)))
        silent = {days: [r.user.username for r in listing.silent(session=s, days=days)] for days in (2, 3, 4)}
    db.close()
    assert 55 <= len(recs) <= 65
    assert all(canonical_hash(json.loads(r.document)) == r.record_hash for r in recs)
    status = Counter(r.status for r in recs)
    assert status["refused"] >= 2 and status["problem_reported"] >= 2
    assert len({r.product for r in recs if r.status == "finished"}) >= 8
    assert len({r.agency_id for r in recs}) == 2
    assert len({r.finished_at.astimezone(CHINA).date() for r in recs}) == 10
    assert silent == {2: ["sampler7"], 3: ["sampler7"], 4: []}       # one laptop quiet for 3 days
    blobs = console_server.data_dir / "blobs" / "objects"
    for r in recs[:5]:
        for sha in json.loads(r.document)["photo_hashes"]:
            data = (blobs / sha[:2] / sha).read_bytes()
            assert data[:2] in (b"\xff\xd8", b"\x89P")          # JPEG photos, PNG signatures


def test_a_record_altered_in_the_database_shows_as_mismatched(console_server):
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).where(Record.status == "finished").order_by(Record.id.desc()).limit(1))
        rid = rec.id
        rec.document = rec.document.replace('"unit_price":"', '"unit_price":"1', 1)    # one digit more
    db.close()
    with console_server.signed_in("province") as c:
        html = c.get(f"/console/records/{rid}").text
        assert 'data-state="mismatch"' in html and "不一致" in html and 'class="verify bad"' in html
        other = c.get(f"/console/records/{rid - 1}").text
        assert 'data-state="verified"' in other


def test_documents_are_regenerated_from_the_stored_record(console_server):
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).where(Record.status == "refused").limit(1))
        doc = json.loads(rec.document)
    db.close()
    with console_server.signed_in("province") as c:
        html = c.get(f"/console/records/{rec.id}").text
        assert "refusal_form.pdf" in html and "拒检认定" in html
        texts = {}
        for name in ("refusal_form", "inspection_notice"):      # what a refusal leaves (the registry)
            r = c.get(f"/console/records/{rec.id}/documents/{name}.pdf")
            assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
            pages = PdfReader(io.BytesIO(r.content)).pages
            texts[name] = "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")
            assert rec.record_no in texts[name], name
        assert doc["refusal"]["facts"][:9] in texts["refusal_form"]
        assert doc["party"]["name"] in texts["refusal_form"]
        for name in ("payment_slip", "sampling_form", "seal_labels"):     # not a refusal's, or not rebuildable
            assert c.get(f"/console/records/{rec.id}/documents/{name}.pdf").status_code == 404
        finished = s_finished(console_server)
        pdf = c.get(f"/console/records/{finished.id}/documents/sampling_form.pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "").replace("\n", "")
        assert finished.record_no in text and finished.record_hash[:16] in text


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _party_rows():
    return [("受检单位名称", "统一社会信用代码", "地址", "抽样领域", "地区"),
            ("太原市导入测试商店甲", make_credit_code("91140105MA0KMP001"), "太原市小店区一号", "流通", "太原市"),
            ("太原市导入测试商店乙", _wrong_check(make_credit_code("91140105MA0KMP002")), "太原市小店区二号", "流通", "太原市"),     # bad check char
            ("", make_credit_code("91140105MA0KMP003"), "太原市小店区三号", "流通", "太原市"),             # no name
            ("大同市导入测试加油站", make_credit_code("91140213MA0KMP004"), "大同市平城区四号", "加油站", "大同市")]


def _import(c, filename: str, data: bytes, media: str, status: int = 200) -> str:
    csrf = csrf_of(c.get("/console/parties").text)
    r = c.post("/console/parties/import", data={"csrf": csrf}, files={"file": (filename, data, media)})
    assert r.status_code == status, r.text[:300]
    return r.text


def test_parties_import_from_csv_and_xlsx_reports_bad_rows_by_line(console_server):
    rows = _party_rows()
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    xbuf = io.BytesIO()
    wb.save(xbuf)
    with console_server.signed_in("province") as c:
        html = _import(c, "parties.csv", buf.getvalue().encode("utf-8"), "text/csv")
        assert "新增 2 家，更新 0 家，2 行未导入" in html
        assert "第 3 行：统一社会信用代码校验位错误" in html and "第 4 行：缺少名称" in html
        html = _import(c, "parties.xlsx", xbuf.getvalue(),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert "新增 0 家，更新 2 家，2 行未导入" in html and "第 3 行" in html and "第 4 行" in html
        html = _import(c, "broken.xlsx", b"PK\x03\x04 not really a workbook", "application/octet-stream",
                       status=422)
        assert "无法读取文件" in html
        assert "大同市导入测试加油站" in c.get("/console/parties?q=导入测试").text
        assert 'data-action="parties.import"' in c.get("/console/audit").text


def test_a_large_party_list_imports_through_the_console(console_server):
    rows = [("受检单位名称", "统一社会信用代码", "地址", "抽样领域", "地区")]
    for i in range(1500):
        rows.append((f"太原市批量导入测试商店{i:04d}", make_credit_code(f"92140105MA0K{i:05d}"),
                     f"太原市小店区批量路{i}号", "流通", "太原市"))
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    data = buf.getvalue().encode("utf-8")
    assert len(data) > 100_000                    # well over the API's default body limit
    with console_server.signed_in("province") as c:
        html = _import(c, "many.csv", data, "text/csv")
    assert "新增 1500 家，更新 0 家，0 行未导入" in html


def test_cli_export_summary_xlsx_and_csv_match_the_records(console_server, tmp_path):
    out = tmp_path / "summary.xlsx"
    cmd = [sys.executable, "-m", "sync.server.cli", "export-summary", "--data", str(console_server.data_dir),
           "--plan", "2022-4", "--out"]
    done = subprocess.run(cmd + [str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    db = console_server.db()
    with db.session() as s:
        recs = list(s.scalars(select(Record).where(Record.status == "finished")))
    db.close()
    assert f"{len(recs)} rows written" in done.stdout
    assert rows[0][0] == "2022年第四批产品质量监督抽查计划检验情况汇总表"
    assert len(rows) == 2 + len(recs)
    assert sorted(r[9] for r in rows[2:]) == sorted(r.record_no for r in recs)
    out_csv = tmp_path / "summary.csv"
    assert subprocess.run(cmd + [str(out_csv)], capture_output=True, timeout=120).returncode == 0
    text = out_csv.read_bytes()
    assert text.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert parsed[0][:3] == ["序号", "产品名称", "受检单位"]
    assert [row[9] for row in parsed[1:]] == [r[9] for r in rows[2:]]
    assert [row[2] for row in parsed[1:]] == [r[2] for r in rows[2:]]


def s_finished(console_server) -> Record:
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).where(Record.status == "finished").order_by(Record.id).limit(1))
    db.close()
    return rec


def test_product_fields_show_with_their_labels_and_on_the_regenerated_form(console_server):
    """The sampler's product-specific fields are part of the synced record:
    the console lists them by the product's rule and regenerates the
    sampling form with them."""
    db = console_server.db()
    with db.session() as s:
        rec = s.scalar(select(Record).where(Record.status == "finished", Record.product == "车用汽油").limit(1))
        fields = json.loads(rec.document)["sample"]["product_fields"]
    db.close()
    with console_server.signed_in("province") as c:
        html = c.get(f"/console/records/{rec.id}").text
        assert 'id="product-fields"' in html and "产品专项信息" in html
        assert f'<dt>牌号</dt><dd data-field="fuel_grade">{fields["fuel_grade"]}</dd>' in html
        assert '<dt>标准阶段</dt><dd data-field="emission_stage">国VI(A)</dd>' in html
        pdf = c.get(f"/console/records/{rec.id}/documents/sampling_form.pdf").content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")
        assert "标准阶段" in text and "国VI(A)" in text and "最近一批进罐日期" in text
        notice = c.get(f"/console/records/{rec.id}/documents/inspection_notice.pdf").content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(notice)).pages).replace(" ", "").replace("\n", "")
        assert "山西省市场监督管理局产品质量监督抽查工作规范（试行）" in text
