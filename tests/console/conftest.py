"""Console fixtures: the demo server with its week-3 history on loopback
(once per module), a real Chromium driven by Selenium (one session per
module, 1366x768), sign-in helpers, screenshots under artifacts/console/."""
from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from sync.server.db import Database
from sync.server.demo import DemoInfo, start_demo
from sync.server.runner import RunningServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"


@dataclass
class ConsoleServer:
    url: str
    info: DemoInfo
    data_dir: Path
    running: RunningServer

    @property
    def password(self) -> str:
        return self.info.password

    def db(self) -> Database:
        return Database(f"sqlite:///{self.data_dir / 'server.db'}", run_migrations=False)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)

    @contextmanager
    def signed_in(self, username: str) -> Iterator[httpx.Client]:
        with self.client() as c:
            yield sign_in(c, username, self.password)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def sign_in(client: httpx.Client, username: str, password: str) -> httpx.Client:
    page = client.get("/console/signin")
    r = client.post("/console/signin", data={"username": username, "password": password, "csrf": csrf_of(page.text)})
    assert r.status_code == 303, r.text[:500]
    return client


@pytest.fixture(scope="module")
def console_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("console") / "server"
    running, info = start_demo(data, history=True)
    yield ConsoleServer(running.url, info, data, running)
    running.stop()


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("Chromium and chromium-driver are needed: bash scripts/sysdeps.sh")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1366,768", "--lang=zh-CN"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"download.default_directory": str(ARTIFACTS / "downloads"),
                                           "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(driver_path), options=opts)


class Browser:
    def __init__(self, driver, base: str):
        self.d, self.base = driver, base

    def get(self, path: str):
        self.d.get(self.base + path)
        return self

    def css(self, selector: str):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def click(self, element):
        """Click something that loads a new page, and wait for that page: the
        old document's marker is gone and the new one has loaded."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        self.d.execute_script("window.__fsOldPage = true;")
        element.click()

        def loaded(d):
            try:
                return d.execute_script("return !window.__fsOldPage && document.readyState === 'complete'")
            except WebDriverException:      # between documents
                return False
        WebDriverWait(self.d, 30).until(loaded)
        return self

    def shot(self, name: str, full: bool = False) -> Path:
        """A screenshot at 1366x768; full: the whole page height too."""
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

    def sign_in(self, username: str, password: str):
        self.get("/console/signin")
        self.css("#username").send_keys(username)
        self.css("#password").send_keys(password)
        return self.click(self.css("#signin"))

    def sign_out(self):
        self.click(self.css("form[action='/console/signout'] button"))


@pytest.fixture(scope="module")
def browser(console_server):
    (ARTIFACTS / "downloads").mkdir(parents=True, exist_ok=True)
    driver = _driver()
    driver.set_page_load_timeout(60)
    yield Browser(driver, console_server.url)
    driver.quit()
