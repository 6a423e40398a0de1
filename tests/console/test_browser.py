"""The console in a real Chromium, as the province uses it: sign in, the
demo's dashboard, a record with photos, a draw, revoking a laptop, the
summary export. Screenshots of every page go to artifacts/console/."""
from __future__ import annotations

import base64
import io
import time

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from sync.server.plan.models import PlanItem
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto
from tests.console.conftest import ARTIFACTS


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_sign_in_then_dashboard_shows_the_plan_as_the_database_holds_it(browser, console_server):
    browser.get("/console/records")
    assert "/console/signin" in browser.d.current_url          # no session: sent to sign in
    browser.shot("01-signin")
    browser.css("#username").send_keys("province")
    browser.css("#password").send_keys("wrong-password")
    browser.click(browser.css("#signin"))
    assert "用户名或密码错误" in browser.css(".flash.error").text
    browser.sign_in("province", console_server.password)
    assert browser.d.current_url.endswith("/console/dashboard")
    assert browser.css("#plan-total").text == "745"
    db = console_server.db()
    with db.session() as s:
        sampled = dict(s.execute(select(Record.plan_item_id, func.count()).where(Record.status == "finished")
                                 .group_by(Record.plan_item_id)).all())
        planned = dict(s.execute(select(PlanItem.id, PlanItem.batches).where(PlanItem.plan_id == "2022-4")).all())
    db.close()
    rows = browser.all("#by-product tr[data-item]")
    assert len(rows) == len(planned) == 22
    shown = {r.get_attribute("data-item"): r.find_element("css selector", "td[data-col=sampled]").text for r in rows}
    assert shown == {item: str(sampled.get(item, 0)) for item in planned}
    assert sum(sampled.values()) >= 45 and len(sampled) >= 8
    assert browser.css("#total-sampled").text == str(sum(sampled.values()))
    assert browser.all("svg.chart polyline.actual") and len(browser.all("svg.chart line.deadline")) == 2
    assert "sampler7" in browser.css("#silent").text                 # the laptop quiet for 3 days
    assert browser.css("#late-count").get_attribute("class") == "late"
    browser.shot("02-dashboard", full=True)
    printed = base64.b64decode(browser.d.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    (ARTIFACTS / "02-dashboard-print.pdf").write_bytes(printed)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    assert "计划进度" in text and "745" in text
    assert "退出登录" not in text and "操作日志" not in text and "筛选" not in text   # no navigation or forms on paper
    browser.get("/console/lang/en?next=/console/dashboard")
    assert "Plan progress" in browser.css("h1").text
    browser.shot("02-dashboard-en")
    browser.get("/console/lang/zh?next=/console/dashboard")


def test_a_record_with_photos_shows_them_and_verifies(browser, console_server):
    browser.get("/console/records?outcome=finished")
    browser.shot("03-records")
    assert browser.all("#records tr[data-id]")
    db = console_server.db()
    with db.session() as s:
        rec_id = s.scalar(select(Record.id).join(RecordPhoto, RecordPhoto.record_id == Record.id)
                          .where(Record.status == "finished").order_by(Record.id).limit(1))
        record_no = s.get(Record, rec_id).record_no
        n_photos = len(__import__("json").loads(s.get(Record, rec_id).document)["evidence"])
    db.close()
    browser.css("#q").send_keys(record_no)
    browser.click(browser.css("form.filters button[type=submit]"))
    links = browser.all("#records tr[data-id] a")
    assert [a.text for a in links] == [record_no]
    browser.click(links[0])
    assert browser.css("#hash-status").get_attribute("data-state") == "verified"
    imgs = browser.all("#photos img")
    assert len(imgs) == n_photos >= 4
    wait_for(lambda: all(browser.d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)
                         for i in imgs))
    assert all(int(browser.d.execute_script("return arguments[0].naturalWidth", i)) == 340 for i in imgs)
    sigs = browser.all("#signatures img")
    assert len(sigs) == 3
    assert browser.all("#seals td.hash")
    browser.shot("04-record", full=True)
    full = imgs[0].find_element("xpath", "..").get_attribute("href")
    browser.d.get(full)                      # full size on click: the original bytes
    assert browser.d.execute_script("return document.images[0].naturalWidth") == 640
    browser.d.back()
    pdf_link = browser.all("a.doc")[1].get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.d.get_cookies()}
    pdf = httpx.get(pdf_link, cookies=cookies)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_running_a_draw_records_a_replayable_result(browser, console_server):
    browser.get("/console/draws")
    from selenium.webdriver.support.ui import Select
    Select(browser.css("#draw-item")).select_by_value("2022-4-18")         # 羽绒服装 (sellers)
    count = browser.css("#draw-count")
    count.clear()
    count.send_keys("3")
    browser.css("#draw-seed").send_keys("20221114")
    browser.shot("05-draws")
    browser.click(browser.css("#draw-run"))
    assert "/console/draws/" in browser.d.current_url
    assert browser.css("#replay").get_attribute("data-state") == "ok"
    assert browser.css("#seed").text == "20221114"
    drawn = browser.all("#drawn tr")[1:]
    assert len(drawn) == 3
    browser.shot("06-draw", full=True)
    task_link = drawn[0].find_element("css selector", "a")
    browser.click(task_link)
    assert len(browser.all("#tasks tr[data-task]")) == 1
    browser.shot("07-tasks")


def test_revoking_a_laptop_refuses_its_next_api_call(browser, console_server):
    with httpx.Client(base_url=console_server.url, timeout=30) as api:
        r = api.post("/v1/auth/enroll", json={"username": "sampler5", "password": console_server.password,
                                              "device_name": "刘芳的新笔记本", "public_key": base64.b64encode(b"k" * 32).decode()})
        assert r.status_code == 201, r.text
        device_id, token = r.json()["device_id"], r.json()["token"]
        headers = {"Authorization": f"Bearer {token}", "User-Agent": "field-sampler/0.1.0 fs-sync/1"}
        assert api.get("/v1/pull", headers=headers).status_code == 200
        browser.get("/console/devices")
        row = browser.css(f"tr[data-device='{device_id}']")
        assert "0.1.0" in row.text
        browser.click(row.find_element("css selector", "a.revoke"))
        assert "刘芳的新笔记本" in browser.css("#confirm-text").text
        browser.shot("08-revoke-confirm")
        browser.click(browser.css("#confirm-revoke"))
        assert "已停用" in browser.css(".flash.ok").text
        browser.shot("09-devices")
        refused = api.get("/v1/pull", headers=headers)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "auth.device_revoked"


def test_summary_export_xlsx_matches_the_database_row_by_row(browser, console_server):
    import json
    downloads = ARTIFACTS / "downloads"
    for old in downloads.glob("summary-*"):
        old.unlink()
    browser.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.get("/console/exports")
    browser.shot("10-exports")
    browser.css("#export-xlsx").click()
    path = wait_for(lambda: next((p for p in downloads.glob("summary-2022-4-*.xlsx")), None))
    wait_for(lambda: path.stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("序号", "产品名称", "受检单位", "地址", "生产单位", "商标", "规格型号", "生产日期/批号", "抽样日期",
                       "抽样单编号", "承检机构", "检验结论", "不合格项目", "备注")
    db = console_server.db()
    with db.session() as s:
        recs = {r.record_no: r for r in s.scalars(select(Record).where(Record.status == "finished"))}
        amendments = list(s.scalars(select(AmendmentRecord).order_by(AmendmentRecord.id)))
        agencies = dict(s.execute(select(__import__("sync.server.auth.models", fromlist=["Agency"]).Agency.id,
                                         __import__("sync.server.auth.models", fromlist=["Agency"]).Agency.name)).all())
    db.close()
    body = rows[2:]
    assert len(body) == len(recs)
    for n, row in enumerate(body, start=1):
        rec = recs[row[9]]
        doc = json.loads(rec.document)
        for a in amendments:            # the sheet shows the corrected value, the record keeps the original
            if a.record_id == rec.id:
                change = json.loads(a.document)
                *parents, leaf = change["path"].split(".")
                target = doc
                for key in parents:
                    target = target[key]
                target[leaf] = change["new_value"]
        s = doc["sample"]
        assert row[0] == n
        assert row[1:9] == (rec.product, doc["party"]["name"], doc["party"]["address"], doc["producer"]["name"],
                            s["trademark"], s["spec_model"], " / ".join(x for x in (s["production_date"], s["batch_no"]) if x),
                            (rec.finished_at + __import__("datetime").timedelta(hours=8)).date().isoformat())
        assert row[10] == agencies[rec.agency_id]
        assert row[11] is None and row[12] is None          # results: empty until the lab


def test_every_other_page_renders_and_prints(browser, console_server):
    for name, path in (("11-parties", "/console/parties"), ("12-followups", "/console/followups"),
                       ("13-people", "/console/people"), ("15-tasks-all", "/console/tasks"),
                       ("14-audit", "/console/audit")):
        browser.get(path)
        assert browser.css("h1").text
        browser.shot(name, full=True)
    assert browser.all("#audit tr[data-action='device.revoke']")
    assert browser.all("#audit tr[data-action='export.summary']")
    assert browser.all("#audit tr[data-action='task.draw']")
    browser.sign_out()
    browser.sign_in("agency2", console_server.password)
    browser.shot("16-agency2-dashboard", full=True)
    assert browser.css("#plan-total").text == "745"
    browser.get("/console/records")
    agencies = {r.find_elements("css selector", "td")[3].text for r in browser.all("#records tr[data-id]")}
    assert agencies == {"晋中市产品质量监督检验所（示例）"}
    browser.shot("17-agency2-records")
    browser.sign_out()
