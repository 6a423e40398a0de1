"""An enrollment code made in a real Chromium at 1366x768, as an agency
admin does it for a sampler's new laptop: the QR read back from a
screenshot of the page (on screen and as printed) is the code's qr_text,
and the code then enrolls a laptop over the API. Cancelling one goes
through a confirmation. Screenshots: artifacts/console/enroll-*.png."""
from __future__ import annotations

import base64
import io
import subprocess

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from selenium.webdriver.support.ui import Select

from sync.protocol.enrollment import parse_qr, qr_text
from tests.console.conftest import ARTIFACTS
from tests.sync.world import public_key


def _qr_texts(png) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)]


def _in_first_screen(browser, selector: str) -> bool:
    box = browser.d.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom, window.innerWidth, window.innerHeight];", selector)
    left, top, right, bottom, width, height = box
    return left >= 0 and top >= 0 and right <= width and bottom <= height


def test_a_code_made_in_the_browser_scans_from_the_screen_and_paper_and_enrolls(browser, console_server):
    browser.sign_in("agency", console_server.password)
    browser.get("/console/people")
    browser.click(browser.css("tr[data-user='sampler3'] a.enroll-code-link"))
    assert browser.css("#code-user option:checked").text == "张丽（sampler3）"
    hours = browser.css("#code-hours")
    assert hours.get_attribute("value") == "72"
    hours.clear()
    hours.send_keys("48")
    browser.shot("enroll-01-form")
    browser.click(browser.css("#make"))

    code = browser.css("#code").text
    assert len(code) == 14 and code.count("-") == 2
    assert browser.css("#server").text == console_server.url
    assert "只显示这一次" in browser.css("#once").text
    for part in ("#once", "#code", "#server", "#expires", "svg.qr"):        # all of it on the first screen
        assert _in_first_screen(browser, part), part
    screen = browser.shot("enroll-02-code")
    expected = qr_text(console_server.url, code, "sampler3")
    assert _qr_texts(screen) == [expected]
    # as the laptop's first-run screen reads it
    assert parse_qr(expected) == {"server": console_server.url, "code": code, "user": "sampler3"}

    browser.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:                                     # as laid out on A4 portrait (794 CSS px): nothing cut off or covered
        browser.d.set_window_size(794, 1123)
        assert not browser.css("#once").is_displayed() and not browser.all("nav.side a")[0].is_displayed()
        code_box, qr_box = (browser.d.execute_script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return [r.right, r.bottom, r.top, window.innerWidth];", sel) for sel in ("#code", "svg.qr"))
        assert code_box[0] <= code_box[3] and qr_box[0] <= qr_box[3] and code_box[1] <= qr_box[2]
    finally:
        browser.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.d.set_window_size(1366, 768)
    a4 = {"printBackground": True, "paperWidth": 8.27, "paperHeight": 11.69}
    printed = base64.b64decode(browser.d.execute_cdp_cmd("Page.printToPDF", a4)["data"])
    pdf = ARTIFACTS / "enroll-03-code-print.pdf"
    pdf.write_bytes(printed)
    pages = PdfReader(io.BytesIO(printed)).pages
    text = "".join(p.extract_text() for p in pages)
    assert len(pages) == 1 and code in text and console_server.url in text
    assert "退出登录" not in text and "生成登记码" not in text            # the sheet alone on paper
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
    assert _qr_texts(ARTIFACTS / "enroll-03-code-print.png") == [expected]     # scannable from the paper too

    with console_server.client() as c:       # the laptop's first run, with the code it scanned
        r = c.post("/v1/auth/enroll-code", json={"code": code, "username": "sampler3", "device_name": "张丽的新电脑",
                                                 "password": console_server.password, "public_key": public_key()})
    assert r.status_code == 201, r.text
    browser.click(browser.css("#back"))
    row = browser.css("#codes tr[data-state='used']")
    assert r.json()["device_id"] in row.text and code not in browser.d.page_source
    browser.shot("enroll-04-list")


def test_cancelling_a_code_asks_first(browser, console_server):
    browser.get("/console/enrollment")
    Select(browser.css("#code-user")).select_by_visible_text("刘芳（sampler5）")
    browser.click(browser.css("#make"))
    assert browser.css("#code").text
    browser.click(browser.css("#back"))
    browser.click(browser.css("#codes tr[data-state='active'] a.cancel-code"))
    assert "刘芳（sampler5）" in browser.css("#confirm-text").text
    browser.shot("enroll-05-cancel-confirm")
    browser.click(browser.css("#confirm-cancel"))
    assert "已作废 sampler5 的登记码" in browser.css(".flash.ok").text
    assert browser.all("#codes tr[data-state='cancelled']") and not browser.all("#codes tr[data-state='active']")
    browser.get("/console/lang/en?next=/console/enrollment")
    assert browser.css("h1").text == "Enrollment codes"
    browser.shot("enroll-06-list-en")
    Select(browser.css("#code-user")).select_by_visible_text("刘芳 (sampler5)")
    browser.click(browser.css("#make"))
    assert "shown only this once" in browser.css("#once").text
    for part in ("#once", "#code", "#server", "#expires", "svg.qr"):
        assert _in_first_screen(browser, part), part
    browser.shot("enroll-07-code-en")
    browser.get("/console/lang/zh?next=/console/enrollment")
