"""A province set up the way an administrator does it, with the
`field-sampler-server` commands, and served by `field-sampler-server serve`
in its own process (not the demo): enrollment needs a one-time code."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import httpx
import pytest

from tests.sync.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "resources" / "plan_2022_4.json"
PASSWORDS = {"zhang": "zhang-Sampler-2022", "li": "li-Sampler-2022"}   # typed with QTest: ASCII


def admin(data: Path, *argv: str) -> str:
    """Run one `field-sampler-server` command in this process; its output."""
    from sync.server.cli import main
    out = StringIO()
    with redirect_stdout(out):
        code = main([*argv, "--data", str(data)])
    assert code == 0, (argv, out.getvalue())
    return out.getvalue()


@dataclass
class RealServer:
    url: str
    data: Path
    proc: subprocess.Popen

    def code(self, user: str = "zhang", hours: int = 72) -> str:
        """A new one-time code made with `enroll-code --user U`."""
        out = admin(self.data, "enroll-code", "--user", user, "--hours", str(hours))
        return out.split(":", 1)[1].split()[0]

    def admin(self, *argv: str) -> str:
        return admin(self.data, *argv)

    def synced_records(self) -> int:
        from sqlalchemy import func, select

        from sync.server.config import settings_for
        from sync.server.db import Database
        from sync.server.records.models import Record
        db = Database(settings_for(self.data).db_url, run_migrations=False)
        try:
            with db.session() as s:
                return s.scalar(select(func.count()).select_from(Record))
        finally:
            db.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def set_up_province(data: Path) -> None:
    from tests.sync.world import new_credit_code
    admin(data, "init")
    admin(data, "import-plan", str(PLAN))
    admin(data, "add-agency", "ag1", "--name", "山西省检验检测中心", "--team", "tm1", "--team-name", "第一组")
    for user, name, cert in (("zhang", "张伟", "晋抽证2022-0017"), ("li", "李娜", "晋抽证2022-0042")):
        admin(data, "add-user", user, "--role", "sampler", "--agency", "ag1", "--team", "tm1", "--name", name,
              "--certificate-no", cert, "--password", PASSWORDS[user])
    csv = data / "parties.csv"
    csv.write_text("名称,统一社会信用代码,营业执照/许可证编号,地址,抽样领域,联系人,电话\n" + "\n".join(
        f"太原{n}加油站,{new_credit_code()},晋油零售2019-{i},太原市{n}路{i}号,加油站,钱经理,1380000000{i}"
        for i, n in enumerate("甲乙丙", start=1)), encoding="utf-8-sig")
    admin(data, "import-parties", str(csv))
    admin(data, "assign", "--plan-item", "2022-4-11", "--draw", "--count", "2", "--seed", "5", "--due", "2030-12-31")


def start_serve(data: Path, *extra: str) -> RealServer:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--data", str(data),
                             "--port", str(port), *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                return RealServer(url, data, proc)
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("field-sampler-server serve did not start")


@pytest.fixture(scope="session")
def province_template(tmp_path_factory) -> Path:
    """Set up once per run with the admin commands; each test serves a copy."""
    data = tmp_path_factory.mktemp("province") / "data"
    set_up_province(data)
    return data


@pytest.fixture
def real_server(tmp_path, province_template):
    import shutil
    data = tmp_path / "province"
    shutil.copytree(province_template, data)
    server = start_serve(data)
    yield server
    server.stop()
