"""The lab's whole chain in a real Chromium: a visit finished through the
services and synced by the real client; its seal QR read from the printed
seal labels at 203 dpi; the payload typed into the scan field as a USB
scanner types it (then Enter); verified, matched, accepted with a condition
photo; blind code; the tester enters 不合格; the 改进建议书 PDF read back;
EMS delivery; the objection period passes (the server's clock is moved, not
slept) and the sample is on the disposal list; disposal recorded.
Screenshots of every lab page go to artifacts/lab/."""
from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from sync.server.audit.models import AuditEntry
from sync.server.lab.models import BlindSample, Disposal, LabSample
from sync.server.records.models import Record
from tests.conftest import jpeg_bytes
from tests.console.conftest import Browser, _driver

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "lab"
PROBLEM = "硫含量超出标准限值，不符合 GB 17930-2016 的要求"
CAUSE = "进货环节未查验供货方检验报告，油品来源质量控制不严"
ADVICE = "建立进货查验制度，每批油品留存检验报告，定期送检"


class LabBrowser(Browser):
    def shot(self, name: str, full: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.d.set_window_size(1366, 768)
        self.d.save_screenshot(str(path))
        if full:
            height = self.d.execute_script("return document.body.scrollHeight")
            self.d.set_window_size(1366, max(768, min(int(height) + 120, 6000)))
            self.d.save_screenshot(str(ARTIFACTS / f"{name}-full.png"))
            self.d.set_window_size(1366, 768)
        return path

    def cookies(self) -> dict:
        return {c["name"]: c["value"] for c in self.d.get_cookies()}

    def fetch(self, path: str) -> httpx.Response:
        return httpx.get(self.base + path, cookies=self.cookies(), timeout=30)


@pytest.fixture(scope="module")
def browser(lab_world):
    driver = _driver()
    driver.set_page_load_timeout(60)
    yield LabBrowser(driver, lab_world.url)
    driver.quit()


def pdftext(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


@pytest.fixture(scope="module")
def chain(lab_world, tmp_path_factory):
    """The petrol visit, synced, and its seals as the label printer prints them."""
    v = lab_world.laptop.finish("2022-4-11")
    seals = lab_world.laptop.seal_payloads(v.id, tmp_path_factory.mktemp("labels"))
    test_seal = next(s for s in v.seals if s.kind.value == "test")
    backup_seal = next(s for s in v.seals if s.kind.value == "backup")
    assert set(seals) == {s.seal_no for s in v.seals}
    return {"visit": v, "seals": seals, "test": test_seal.seal_no, "backup": backup_seal.seal_no}


def test_01_receive_by_scanning_the_seal(browser, lab_world, chain, tmp_path):
    v = chain["visit"]
    browser.get("/console/lab")
    browser.css("#username").send_keys("lab")
    browser.css("#password").send_keys(lab_world.server.password)
    browser.click(browser.css("#signin"))
    assert browser.d.current_url.endswith("/console/lab")            # a lab account lands on the lab's list
    browser.shot("01-lab-list-empty")
    browser.get("/console/lab/receive")
    browser.shot("02-receive")
    field = browser.css("#scan")
    assert browser.d.switch_to.active_element == field               # the scanner types into it at once
    old = browser.css("html")
    field.send_keys(chain["seals"][chain["test"]] + Keys.ENTER)        # what a USB scanner does
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser.d, 30).until(ec.staleness_of(old))
    assert "/receipt" in browser.d.current_url
    assert browser.css("#verdict").get_attribute("data-state") == "ok"
    assert browser.css("[data-field=record_no]").text == v.record_no
    assert browser.css("[data-field=party]").text == v.party.name
    assert "检验样品" in browser.css("[data-field=kind]").text
    thumbs = browser.all("#record-photos img")
    assert len(thumbs) == len(v.live_evidence()) >= 5                  # the record's sampling photos beside it
    browser.shot("03-receipt-verified", full=True)
    # no photo: refused, nothing lost
    for box in ("#seal_intact", "#matches_form", "#quantity_ok"):
        browser.css(box).click()
    browser.click(browser.css("#accept"))
    assert "至少上传一张" in browser.css(".flash.error").text
    photo = tmp_path / "condition.jpg"
    photo.write_bytes(jpeg_bytes(4242))
    browser.css("#photos").send_keys(str(photo))
    for box in ("#seal_intact", "#matches_form", "#quantity_ok"):
        browser.css(box).click()
    browser.click(browser.css("#accept"))
    assert "已接收" in browser.css(".flash.ok").text
    code = browser.css("#blind-code").text
    assert len(code) == 9 and code[4] == "-"
    assert [e.get_attribute("data-event") for e in browser.all("#custody-events tr[data-event]")] == ["received"]
    browser.shot("04-sample-accepted", full=True)
    label = browser.fetch(browser.css("#label-link").get_attribute("href").replace(lab_world.url, ""))
    assert label.status_code == 200 and pdftext(label.content) == "样品编号" + code.replace("-", "")
    db = lab_world.db()
    with db.session() as s:
        sample = s.scalar(select(LabSample).where(LabSample.seal_no == chain["test"]))
        assert sample.status == "accepted" and sample.record_id is not None
        assert s.get(BlindSample, sample.blind_id).code == code
        views = s.scalars(select(AuditEntry).where(AuditEntry.action == "lab.mapping.view")).all()
        assert views and views[-1].actor == "lab"                      # seeing the code was a view of the mapping
    db.close()
    chain["code"], chain["sample_id"] = code, sample.id
    # the backup package of the same record: no blind code
    browser.get("/console/lab/receive")
    old = browser.css("html")
    browser.css("#scan").send_keys(chain["seals"][chain["backup"]] + Keys.ENTER)
    WebDriverWait(browser.d, 30).until(ec.staleness_of(old))
    browser.css("#photos").send_keys(str(photo))
    for box in ("#seal_intact", "#matches_form", "#quantity_ok"):
        browser.css(box).click()
    browser.click(browser.css("#accept"))
    assert not browser.all("#blind-code")
    chain["backup_id"] = int(browser.d.current_url.rstrip("/").split("/")[-1])
    browser.get("/console/lab/mapping")
    cells = [td.text for td in browser.css(f"tr[data-code='{code}']").find_elements("css selector", "td")]
    assert cells[:4] == [code, v.record_no, "车用汽油", v.party.name] and cells[4] == chain["test"]
    browser.shot("05-mapping")
    browser.get("/console/lab")
    browser.shot("06-lab-list")


def test_02_tester_enters_a_failure_by_blind_code_only(browser, lab_world, chain):
    v, code = chain["visit"], chain["code"]
    browser.sign_out()
    browser.sign_in("tester", lab_world.server.password)
    assert browser.d.current_url.endswith("/console/lab/bench")
    assert browser.all(f"#bench tr[data-code='{code}']")
    browser.shot("07-bench")
    browser.click(browser.css(f"#bench tr[data-code='{code}'] a"))
    assert browser.css("#product").text == "车用汽油"
    assert v.party.name not in browser.d.page_source and v.record_no not in browser.d.page_source
    browser.click(browser.css("#blind-custody-form button"))          # 交检验员
    browser.css("#conclusion-fail").click()
    browser.css("#report_no").send_keys("JY2022-1234")
    cells = browser.all("#items input")
    for el, value in zip(cells[:4], ("硫含量", "≤10 mg/kg", "15.2 mg/kg", "SH/T 0689-2000")):
        el.send_keys(value)
    browser.shot("08-blind-result")
    browser.click(browser.css("#save-result"))
    assert "检验结果已保存" in browser.css(".flash.ok").text
    browser.shot("09-blind-saved", full=True)
    db = lab_world.db()
    with db.session() as s:
        b = s.scalar(select(BlindSample).where(BlindSample.code == code))
        assert b.conclusion == "fail" and b.report_no == "JY2022-1234"
    db.close()
    browser.sign_out()


def test_03_advice_letter_delivery_and_deadlines(browser, lab_world, chain):
    v = chain["visit"]
    browser.sign_in("lab", lab_world.server.password)
    browser.get(f"/console/lab/samples/{chain['sample_id']}")
    assert browser.css("#conclusion").text == "不合格"
    assert browser.all("#failed-items tr")[1].text.startswith("硫含量")
    for name, value in (("problem", PROBLEM), ("cause", CAUSE), ("advice", ADVICE)):
        browser.css(f"#advice-form textarea[name={name}]").send_keys(value)
    browser.click(browser.css("#advice-form button"))
    assert "改进建议书已保存" in browser.css(".flash.ok").text
    pdf = browser.fetch(f"/console/lab/samples/{chain['sample_id']}/advice.pdf")
    assert pdf.status_code == 200
    text = pdftext(pdf.content)
    for expected in ("产品质量改进建议书", "报告编号：JY2022-1234", "产品名称", "车用汽油", "规格型号", v.sample.spec_model,
                     "受检单位", v.party.name, "生产单位", "检验机构", "山西省产品质量监督检验研究院（示例）",
                     "不合格项目", "硫含量", "15.2mg/kg", "本次抽检质量问题描述", PROBLEM.replace(" ", ""),
                     "原因分析", CAUSE, "改进建议", ADVICE):
        assert expected.replace(" ", "") in text, expected
    (ARTIFACTS / "improvement_advice.pdf").write_bytes(pdf.content)
    # the deadlines: the failed report goes to the province within 7 days of the report date
    assert browser.css("[data-deadline=province]").get_attribute("data-state") == "open"
    Select(browser.css("#method")).select_by_value("ems")
    browser.click(browser.css("#delivery-form button"))                 # EMS without its number
    assert "邮件号" in browser.css(".flash.error").text
    Select(browser.css("#method")).select_by_value("ems")
    browser.css("#tracking_no").send_keys("EA123456789CN")
    browser.click(browser.css("#delivery-form button"))
    assert "送达记录已保存" in browser.css(".flash.ok").text
    row = browser.css("#deliveries tr[data-recipient=party]")
    assert "EA123456789CN" in row.text and "EMS" in row.text
    assert browser.css("#objection").get_attribute("data-over") == "0"
    due = date(date.today().year, 12, 20)                   # the demo plan's 12-20, in the year it was sampled
    assert browser.css("[data-deadline=delivery]").get_attribute("data-state") == ("done" if date.today() <= due
                                                                                  else "late")
    browser.shot("10-sample-delivered", full=True)


def test_04_objection_period_passes_then_disposal(browser, lab_world, chain, tmp_path):
    v = chain["visit"]
    browser.get("/console/lab/disposal")
    assert not browser.all(f"#disposal-due tr[data-sample='{chain['sample_id']}']")     # not yet
    lab_world.clock.offset = timedelta(days=16)                          # 15 days after delivery (+ holidays)
    try:
        browser.get(f"/console/lab/samples/{chain['sample_id']}")
        assert browser.css("#objection").get_attribute("data-over") == "1"
        assert browser.css("[data-deadline=province]").get_attribute("data-state") == "overdue"   # red now
        assert "bad" in browser.css("[data-deadline=province]").get_attribute("class")
        browser.get("/console/lab/disposal")
        row = browser.css(f"#disposal-due tr[data-sample='{chain['sample_id']}']")
        options = [o.get_attribute("value") for o in row.find_elements("css selector", "select[name=action] option")]
        assert options == ["destroy", "retain", "return"]                # the test sample was bought
        backup = browser.css(f"#disposal-due tr[data-sample='{chain['backup_id']}']")
        options = [o.get_attribute("value") for o in backup.find_elements("css selector", "select[name=action] option")]
        assert options == ["hand_over"]                                  # unpaid and failed: the city bureau
        browser.shot("11-disposal-due", full=True)
        receipt = tmp_path / "receipt.jpg"
        receipt.write_bytes(jpeg_bytes(99))
        Select(row.find_element("css selector", "select[name=action]")).select_by_value("destroy")
        row.find_element("css selector", "input[name=recipient]").send_keys("本院危废处置")
        row.find_element("css selector", "input[name=proof]").send_keys(str(receipt))
        browser.click(row.find_element("css selector", "button"))
        assert "处置已记录" in browser.css(".flash.ok").text
        assert not browser.all(f"#disposal-due tr[data-sample='{chain['sample_id']}']")
        browser.get(f"/console/lab/samples/{chain['sample_id']}")
        events = [e.get_attribute("data-event") for e in browser.all("#custody-events tr[data-event]")]
        assert events == ["received", "to_tester", "disposed"]
        assert "销毁" in browser.css("#disposal-done").text
        browser.shot("12-sample-disposed", full=True)
        report = browser.fetch("/console/lab/disposal/report.pdf?plan=2022-4")
        text = pdftext(report.content)
        assert "样品处置情况报告" in text and chain["test"] in text and "销毁" in text and "待处置" in text
        (ARTIFACTS / "disposal_report.pdf").write_bytes(report.content)
        custody = browser.fetch(f"/console/lab/samples/{chain['sample_id']}/custody.pdf")
        text = pdftext(custody.content)
        assert "样品流转记录" in text and "收样" in text and "交检验员" in text and "处置" in text
        db = lab_world.db()
        with db.session() as s:
            d = s.get(Disposal, chain["sample_id"])
            assert d.action == "destroy" and d.recorded_by == "lab"
        db.close()
        browser.sign_out()
        browser.sign_in("province", lab_world.server.password)         # the province sees the overdue report
        browser.get("/console/dashboard")
        overdue = browser.css("#lab-overdue-province")
        assert overdue.text == "1" and "late" in overdue.get_attribute("class")
        row = browser.css("#lab-overdue tr[data-deadline=province]")
        assert v.record_no in row.text and "late" in row.get_attribute("class")
        browser.shot("13-dashboard-overdue")
    finally:
        lab_world.clock.offset = timedelta(0)


def test_05_results_reach_the_dashboard_and_the_summary_sheet(browser, lab_world, chain):
    v = chain["visit"]
    browser.get("/console/dashboard")
    row = browser.css("#lab-products tr[data-item='2022-4-11']")
    assert row.find_element("css selector", "td[data-col=failed]").text == "1"
    main = browser.css("#by-product tr[data-item='2022-4-11'] td[data-col=failed]")     # the plan's own table too
    assert main.text == "1" and "late" in main.get_attribute("class")
    browser.shot("14-dashboard-lab", full=True)
    browser.get("/console/lab")
    browser.shot("15-province-lab-list", full=True)
    with httpx.Client(base_url=lab_world.url, cookies=browser.cookies(), timeout=60) as c:
        page = c.get("/console/exports")
        import re
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = c.post("/console/exports/summary", data={"csrf": csrf, "plan": "2022-4", "format": "xlsx"})
    assert r.status_code == 200
    import io
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    mine = next(x for x in rows[2:] if x[9] == v.record_no)
    assert mine[11] == "不合格" and mine[12] == "硫含量"
    db = lab_world.db()
    with db.session() as s:
        others = s.scalars(select(Record.record_no).where(Record.record_no != v.record_no)).all()
    db.close()
    assert all(x[11] is None for x in rows[2:] if x[9] in set(others))
    browser.sign_out()


def test_06_every_other_lab_page(browser, lab_world, chain):
    browser.sign_in("labmanager", lab_world.server.password)
    for name, path in (("16-transit", "/console/lab/transit"), ("17-mapping-manager", "/console/lab/mapping"),
                       ("18-disposal-after", "/console/lab/disposal")):
        browser.get(path)
        assert browser.css("h1").text
        browser.shot(name, full=True)
    browser.get(f"/console/lang/en?next=/console/lab/samples/{chain['sample_id']}")
    assert "Sample" in browser.css("h1").text
    browser.shot("19-sample-en", full=True)
    browser.get("/console/lang/zh?next=/console/lab")
    browser.sign_out()


def test_07_a_red_seal_a_manager_override_and_a_rejection_in_the_browser(browser, lab_world, chain, tmp_path):
    from app.domain.seal_payload import KeySigner, encode, payload_for_seal
    v = lab_world.laptop.finish("2022-4-10")
    seal = next(s for s in v.seals if s.kind.value == "test")
    unknown = encode(payload_for_seal(v, seal, v.sealing_hash), KeySigner())     # a label printed elsewhere
    browser.sign_in("lab", lab_world.server.password)
    browser.get("/console/lab/receive")
    old = browser.css("html")
    browser.css("#scan").send_keys(unknown + Keys.ENTER)
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser.d, 30).until(ec.staleness_of(old))
    assert browser.css("#verdict").get_attribute("data-state") == "red"
    assert "未知设备" in browser.css("#verdict").text
    assert not browser.all("#receipt-form") and browser.all("#refused-note")
    browser.shot("20-receipt-red", full=True)
    sample_url = browser.d.current_url.replace(lab_world.url, "")
    browser.sign_out()
    browser.sign_in("labmanager", lab_world.server.password)
    browser.get(sample_url)
    browser.css("#override-reason").send_keys("抽样组补打标签时用了备用笔记本，已电话核实")
    browser.shot("21-receipt-override", full=True)
    browser.click(browser.css("#override-submit"))
    assert browser.all("#receipt-form") and browser.css("[data-override]")
    photo = tmp_path / "torn.jpg"
    photo.write_bytes(jpeg_bytes(31))
    browser.css("#photos").send_keys(str(photo))
    browser.css("#reason").send_keys("封条一角撕裂，瓶口有渗漏")
    browser.click(browser.css("#reject"))
    assert "已拒收" in browser.css(".flash.ok").text
    browser.shot("22-sample-rejected", full=True)
    letter = browser.fetch(browser.css("#rejection-link").get_attribute("href").replace(lab_world.url, ""))
    text = pdftext(letter.content)
    assert "样品拒收通知书" in text and "封条一角撕裂" in text and "未知设备" in text
    browser.sign_out()
    browser.sign_in("province", lab_world.server.password)
    browser.get("/console/followups")
    row = browser.css("#lab-rejections tr[data-sample]")
    assert v.record_no in row.text and "封条一角撕裂" in row.text
    browser.shot("23-followups-lab-rejection", full=True)
    browser.sign_out()
