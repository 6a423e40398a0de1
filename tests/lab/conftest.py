"""The lab's world, once per module: the demo server with its week-3
history on loopback (its clock injected), a laptop enrolled as the demo
sampler with its device key in a memory keyring, pulling today's tasks,
finishing visits through the services and syncing with the real client;
seal payloads read back from the printed seal labels at 203 dpi."""
from __future__ import annotations

import base64
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from tests.conftest import jpeg_bytes, signature_png
from tests.console.conftest import ConsoleServer, csrf_of, sign_in
from tests.scenarios import complete_visit

B = "agency-demo-2"


class LabClock:
    """The server's clock (app.state.clock), moved by tests: no sleeping."""

    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


@dataclass
class Laptop:
    url: str
    ws: object
    engine: object
    tasks: list
    make_jpeg: object
    used: set = field(default_factory=set)

    def task(self, product_item: str):
        t = next(t for t in self.tasks if t.plan_item_ids == [product_item] and t.id not in self.used)
        self.used.add(t.id)
        return t

    def finish(self, product_item: str = "2022-4-11", *, sync: bool = True):
        t = self.task(product_item)
        v = complete_visit(self.ws, self.make_jpeg, signature_png, t.id, samplers=[(m.id, m.name) for m in t.team])
        if sync:
            self.sync()
        return v

    def sync(self):
        report = self.engine.run()
        assert report.complete, report
        return report

    def seal_payloads(self, visit_id: str, tmp: Path) -> dict[str, str]:
        """seal number -> the QR text, decoded from the seal label PDF the
        laptop prints, rendered at a 203 dpi label printer's resolution."""
        import zxingcpp
        from PIL import Image

        from app.domain.seal_payload import decode
        from app.services import documents
        pdf = documents.build_pdf(self.ws, visit_id, "seal_labels")
        out = tmp / f"labels-{visit_id[:8]}"
        out.mkdir(parents=True, exist_ok=True)
        (out / "labels.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "203", str(out / "labels.pdf"), str(out / "l")], check=True)
        texts = {}
        for png in sorted(out.glob("l*.png")):
            for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode):
                texts[decode(r.text)[0].seal_no] = r.text
        return texts


@dataclass
class LabWorld:
    server: ConsoleServer
    clock: LabClock
    laptop: Laptop
    tmp: Path

    @property
    def url(self) -> str:
        return self.server.url

    def db(self):
        return self.server.db()

    def signed_in(self, username: str):
        return self.server.signed_in(username)

    def enroll(self, username: str, public_key: bytes, name: str = "备用笔记本") -> str:
        """A second device of a sampler, straight over the API (the laptop's
        own token in the keyring stays). Returns the device id."""
        r = httpx.post(self.url + "/v1/auth/enroll", json={
            "username": username, "password": self.server.password, "device_name": name,
            "public_key": base64.b64encode(public_key).decode("ascii")}, timeout=20)
        assert r.status_code == 201, r.text
        return r.json()["device_id"]


def scan(client: httpx.Client, text: str, expected: str = "") -> httpx.Response:
    """Post what the scanner typed; returns the page the browser lands on."""
    page = client.get("/console/lab/receive")
    r = client.post("/console/lab/scan", data={"csrf": csrf_of(page.text), "payload": text, "expected": expected})
    assert r.status_code == 303, r.text[:300]
    return client.get(r.headers["location"])


def sample_id_of(page: httpx.Response) -> int:
    return int(str(page.url).rstrip("/").split("/samples/")[1].split("/")[0])


def accept(client: httpx.Client, sample_id: int, *, decision: str = "accept", reason: str = "",
           photo: bytes | None = None, checks: bool = True) -> httpx.Response:
    page = client.get(f"/console/lab/samples/{sample_id}/receipt")
    data = {"csrf": csrf_of(page.text), "decision": decision, "reason": reason, "location": "收样室A架"}
    if checks:
        data.update(seal_intact="1", matches_form="1", quantity_ok="1")
    files = [("photos", ("condition.jpg", photo if photo is not None else jpeg_bytes(77), "image/jpeg"))] \
        if photo != b"" else None
    return client.post(f"/console/lab/samples/{sample_id}/receipt", data=data, files=files)


@pytest.fixture(scope="module")
def module_keyring():
    import keyring

    from app.services.keyring_setup import MemoryKeyring
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def lab_world(tmp_path_factory, module_keyring) -> LabWorld:
    from app.services.device_key import DeviceKey
    from app.services.workspace import Workspace
    from app.store import master_repo
    from sync.client.engine import SyncEngine
    from sync.client.enroll import enroll
    from sync.server.auth import service as accounts
    from sync.server.demo import start_demo
    tmp = tmp_path_factory.mktemp("lab")
    running, info = start_demo(tmp / "server", history=True)
    clock = LabClock()
    running.server.config.app.state.clock = clock
    server = ConsoleServer(running.url, info, tmp / "server", running)
    db = server.db()
    with db.session() as s:             # the other agency's lab
        accounts.add_user(session=s, username="lab2", password=info.password, role="lab", name="晋中样品管理员",
                          agency_id=B, actor="test")
    db.close()
    ws = Workspace(tmp / "laptop")
    key = DeviceKey.load_or_create()
    enroll(running.url, "demo", info.password, key.public_key_bytes(), device_name="抽样笔记本")
    engine = SyncEngine(server_url=running.url, db=ws.db, photo_source=ws.evidence.path, signer=key)
    engine.run(push=False)
    with ws.db.session() as s:
        tasks = [master_repo.load_task(s, r.id) for r in master_repo.list_tasks(s)]
    counter = iter(range(10_000))

    def make_jpeg(name=None, seed=None):
        n = next(counter)
        path = tmp / "camera" / (name or f"IMG_{n:04d}.jpg")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(jpeg_bytes(n + 1000 if seed is None else seed))
        return path
    world = LabWorld(server=server, clock=clock, laptop=Laptop(running.url, ws, engine, tasks, make_jpeg), tmp=tmp)
    yield world
    ws.close()
    running.stop()


__all__ = ["B", "LabWorld", "accept", "csrf_of", "sample_id_of", "scan", "sign_in"]
