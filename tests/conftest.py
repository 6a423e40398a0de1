"""Fixtures shared by the whole suite: a workspace in a temp folder seeded
with a realistic gas-station task, and real JPEG files made with Pillow."""
from __future__ import annotations

import io
import os
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

# Offscreen Qt with the samplers' laptop screen (1366x768), not the
# plugin's default 800x800: dialogs are fitted to the screen they are on.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + str(Path(__file__).with_name("offscreen_1366x768.json"))

from app.domain.credit_code import check_char  # noqa: E402
from app.domain.entities import Agency, InspectedParty, Sampler, Task  # noqa: E402
from app.domain.plan import Plan, PlanItem, Scope  # noqa: E402


def make_credit_code(body17: str) -> str:
    return body17 + check_char(body17)


GAS_STATION_CODE = make_credit_code("91140100MA0K3R5X1")
SHOP_CODE = make_credit_code("92140105MA0H8QWE2")

MINI_PLAN = Plan(id="2022-4", title="2022年第四批产品质量监督抽查", document_no="晋市监函〔2022〕279号", items=(
    PlanItem("2022-4-10", 10, "交通用具及相关产品", "车用柴油", 200, (Scope.GAS_STATION,)),
    PlanItem("2022-4-11", 11, "交通用具及相关产品", "车用汽油", 100, (Scope.GAS_STATION,)),
    PlanItem("2022-4-12", 12, "交通用具及相关产品", "车用尿素水溶液", 50, (Scope.PRODUCER, Scope.GAS_STATION)),
    PlanItem("2022-4-18", 18, "服装鞋帽及家用纺织品", "羽绒服装", 30, (Scope.SELLER,)),
    PlanItem("2022-4-13", 13, "工业生产资料", "氯碱", 5, (Scope.PRODUCER,)),
))

AGENCY = Agency("agency-sxjc", "山西省检验检测中心", "太原市小店区长治路某号", "王工", "0351-0000000")
SAMPLERS = [Sampler("s-zhang", "张伟", "晋抽证2022-0017", AGENCY.id), Sampler("s-li", "李娜", "晋抽证2022-0042", AGENCY.id)]
GAS_STATION = InspectedParty(id="p-gas", name="太原市迎泽区某某加油站有限公司", credit_code=GAS_STATION_CODE,
                             licence_no="成品油零售经营批准证书 晋油零售2019-123", address="山西省太原市迎泽区迎泽大街100号",
                             postcode="030001", legal_representative="赵强", contact="钱经理", phone="13800000000",
                             scope=Scope.GAS_STATION)


def make_task(task_id: str = "t-gas-1", item_ids=("2022-4-11",), party: InspectedParty = GAS_STATION) -> Task:
    return Task(id=task_id, plan_id="2022-4", plan_item_ids=list(item_ids), party=party, team=list(SAMPLERS),
                agency_id=AGENCY.id, due_date="2022-11-15")


class Clock:
    """A settable clock so deadlines and record numbers are deterministic."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2022, 11, 15, 2, 30, tzinfo=timezone.utc))


@pytest.fixture
def workspace(tmp_path, clock):
    from app.services.workspace import Workspace
    ws = Workspace(tmp_path / "data", clock=clock)
    yield ws
    ws.close()


@pytest.fixture
def seeded(workspace):
    from app.services.reference import import_master_data
    import_master_data(workspace, plan=MINI_PLAN, agencies=[AGENCY], samplers=SAMPLERS,
                       tasks=[make_task(), make_task("t-gas-2", ("2022-4-10",)),
                              make_task("t-gas-3", ("2022-4-12",))])
    return workspace


def jpeg_bytes(seed: int = 0, size=(640, 480)) -> bytes:
    from PIL import Image, ImageDraw
    rnd = random.Random(seed)
    img = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        draw.rectangle([x, y, x + rnd.randrange(80), y + rnd.randrange(80)],
                       fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture
def make_jpeg(tmp_path):
    counter = iter(range(10_000))

    def make(name: str | None = None, seed: int | None = None) -> Path:
        n = next(counter)
        path = tmp_path / "camera" / (name or f"IMG_{n:04d}.jpg")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(jpeg_bytes(n if seed is None else seed))
        return path
    return make


def signature_png(seed: int = 0) -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (400, 150), "white")
    d = ImageDraw.Draw(img)
    rnd = random.Random(seed)
    pts = [(20 + i * 18, 75 + rnd.randrange(-40, 40)) for i in range(20)]
    d.line(pts, fill="black", width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def memory_keyring():
    """A real keyring backend in memory: tests never touch the developer's keyring."""
    import keyring
    from app.services.keyring_setup import MemoryKeyring
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _mount_tmpfs(path: Path, size: str) -> None:
    import shutil
    import subprocess
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (CI runs as root); cannot fill a real disk otherwise")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine refuses to mount a tmpfs: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs mounted for the test: a real disk that fills up."""
    import subprocess
    mnt = tmp_path / "disk"
    _mount_tmpfs(mnt, "8m")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)



# -- object store -------------------------------------------------------------
S3_BUCKET = "fs-test"
_prefixes = iter(range(10 ** 9))


@pytest.fixture(scope="session")
def seaweed():
    """One SeaweedFS (tests/sync/seaweed.py) for the whole run, started only
    if a test asks for it (a few seconds); each test takes its own prefix in
    the shared bucket (s3_url)."""
    from tests.sync.seaweed import SeaweedS3
    server = SeaweedS3().start()
    server.create_bucket(S3_BUCKET)
    yield server
    server.stop()


@pytest.fixture
def s3_url(seaweed) -> str:
    return f"s3://{S3_BUCKET}/t{next(_prefixes)}"
