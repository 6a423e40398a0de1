"""Sync benchmarks, on loopback, in one run:
(a) bytes on the wire per photo byte during an upload, and bytes re-sent
    after a cut in the middle of it;
(b) photo upload throughput relative to a plain HTTP PUT of the same bytes
    to a minimal server;
(c) 300 simulated devices pushing an end-of-day sync concurrently against a
    real PostgreSQL (fsync on) and `serve` with its default worker processes:
    errors and p99 push latency, with the fleet arriving within 20 s and with
    all 300 at one instant (see bench_load);
(d) requests per end-of-day device sync (fs-sync/2: the exchange)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.util
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import report  # noqa: E402


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "sync" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


faultproxy = _load("faultproxy")
pgcluster = _load("pgcluster")

from sync.client.photos import DEFAULT_CHUNK as CHUNK  # noqa: E402  (the client's own chunk size)


def _seed_only(tmp: Path, url: str | None = None):
    """A seeded server database; returns (settings, db, device token)."""
    from sync.server import demo
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.devices import service as devices
    from sync.server.auth.models import User
    from sqlalchemy import select
    settings = settings_for(tmp, url)
    db = Database(settings.db_url)
    with db.session() as s:
        demo.seed(session=s)
        user = s.scalar(select(User).where(User.username == "demo"))
        _, token = devices.issue_token(session=s, user=user, kind="device", ttl=timedelta(days=1),
                                       public_key="A" * 44)
    return settings, db, token


def _server(tmp: Path, url: str | None = None):
    """A seeded server in a thread; returns (running, db, token)."""
    from sync.server.app import create_app
    from sync.server.runner import start_in_thread
    settings, db, token = _seed_only(tmp, url)
    return start_in_thread(create_app(settings, db)), db, token


def bench_wire(tmp: Path) -> None:
    from sync.client import photos
    from sync.client.transport import Transport
    running, db, token = _server(tmp / "a")
    data = random.Random(1).randbytes(8 * CHUNK + 12345)
    sha = hashlib.sha256(data).hexdigest()
    host, port = running.url.rsplit("//", 1)[1].rsplit(":", 1)
    proxy = faultproxy.FaultProxy((host, int(port)))
    t = Transport(proxy.url, token)
    photos.upload(t, sha, photos._Reader(data), chunk_size=CHUNK, start_offset=0)
    wire = proxy.stats.bytes_up + proxy.stats.bytes_down
    report("sync_wire_bytes_per_photo_byte", wire / len(data), "ratio", "<=", 1.02,
           baseline=f"{wire} wire bytes for a {len(data)}-byte photo")
    proxy.close()
    # A cut in the middle of the fourth chunk, then resume.
    data2 = random.Random(2).randbytes(8 * CHUNK)
    sha2 = hashlib.sha256(data2).hexdigest()
    n = {"patch": 0}

    def schedule(req):
        if req.method == "PATCH":
            n["patch"] += 1
            if n["patch"] == 4:
                return "drop_mid_body"
        return "pass"
    proxy = faultproxy.FaultProxy((host, int(port)), schedule, seed=5)
    t2 = Transport(proxy.url, token)
    out = photos.upload(t2, sha2, photos._Reader(data2), chunk_size=CHUNK, start_offset=0)
    report("sync_resent_bytes_after_cut", out.sent_bytes - len(data2), "bytes", "<=", CHUNK,
           baseline=f"chunk {CHUNK} bytes, photo {len(data2)} bytes")
    proxy.close()
    t.close(), t2.close()
    running.stop()
    db.close()


MINIMAL_SERVER = r'''
import sys, uvicorn
out = sys.argv[2]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    with open(out, "wb") as f:
        more = True
        while more:
            m = await receive()
            f.write(m.get("body", b""))
            more = m.get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
'''


def _server_process(tmp: Path):
    """A seeded server as its own process, the way it is deployed (as the
    plain PUT server is): returns (process, url, token)."""
    _, db, token = _seed_only(tmp)
    port = pgcluster.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--data", str(tmp), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}", token


def _wait_up(url: str) -> None:
    import httpx
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


def bench_throughput(tmp: Path) -> None:
    """Both servers in their own process on loopback; ours stores each chunk,
    hashes it, fsyncs and publishes the blob, and checks the token on every
    request — the plain PUT only writes the bytes."""
    import httpx
    from sync.client import photos
    from sync.client.transport import Transport
    ours_proc, url, token = _server_process(tmp / "b")
    port = pgcluster.free_port()
    script = tmp / "minimal.py"
    script.write_text(MINIMAL_SERVER)
    proc = subprocess.Popen([sys.executable, str(script), str(port), str(tmp / "put.bin")])
    try:
        _wait_up(f"http://127.0.0.1:{port}/")
        _wait_up(url + "/v1/health")
        plain, ours = [], []
        with httpx.Client() as c:
            for i in range(9):
                data = random.Random(10 + i).randbytes(32 << 20)          # 32 MiB, a few photos
                t0 = time.perf_counter()
                c.put(f"http://127.0.0.1:{port}/photo", content=data)
                plain.append(time.perf_counter() - t0)
                sha = hashlib.sha256(data).hexdigest()
                t = Transport(url, token)
                t0 = time.perf_counter()
                photos.upload(t, sha, photos._Reader(data), chunk_size=CHUNK, start_offset=0)
                ours.append(time.perf_counter() - t0)
                t.close()
        print(f"# 32 MiB: plain PUT {statistics.median(plain) * 1000:.0f} ms, "
              f"chunked upload {statistics.median(ours) * 1000:.0f} ms (medians of 9)", flush=True)
        report("sync_upload_throughput_vs_plain_put", statistics.median(plain) / statistics.median(ours),
               "ratio", ">=", 0.8, baseline=f"plain PUT {statistics.median(plain) * 1000:.0f} ms / "
                                           f"ours {statistics.median(ours) * 1000:.0f} ms for 32 MiB")
    finally:
        for p in (proc, ours_proc):
            p.kill()
            p.wait()


def _seed_load(url: str, devices_n: int, records: int) -> list[dict]:
    """Teams of three, one task per record at its own gas station; tokens
    issued directly (no password hashing for 300 accounts)."""
    from sync.server.auth import service as accounts
    from sync.server.auth.models import Team, User
    from sync.server.db import Database
    from sync.server.devices import service as devices
    from sync.server.parties.service import save_party
    from sync.server.plan import service as plans
    from sync.server.tasks import service as tasks
    from app.domain.credit_code import ALPHABET, check_char
    from app.domain.seal_payload import KeySigner
    db = Database(url)
    rng = random.Random(3)
    out = []
    with db.session() as s:
        plans.import_plan(session=s, data={"id": "B", "title": "bench", "document_no": "", "items": [
            {"id": "B-1", "seq": 1, "category": "c", "product": "车用汽油", "batches": 10 ** 6,
             "scopes": ["gas_station"]}]})
        accounts.add_agency(session=s, id="ag", name="承检机构")
        for d in range(devices_n):
            if d % 3 == 0:
                s.add(Team(id=f"tm{d // 3}", agency_id="ag", name=f"组{d // 3}"))
                s.flush()
            user = User(id=f"u{d}", username=f"u{d}", name=f"抽样员{d}", role="sampler", password_hash="x",
                        agency_id="ag", team_id=f"tm{d // 3}", active=True)
            s.add(user)
            s.flush()
            key = KeySigner()
            _, token = devices.issue_token(session=s, user=user, kind="device", ttl=timedelta(days=1),
                                           public_key=base64.b64encode(key.public_key_bytes()).decode())
            tids = []
            for r in range(records):
                body = "91140105" + "".join(rng.choice(ALPHABET) for _ in range(9))
                party, _ = save_party(session=s, data={"name": f"站{d}-{r}", "credit_code": body + check_char(body),
                                                       "address": "太原", "scope": "gas_station"})
                tids.append(tasks.create_task(session=s, plan_item_id="B-1", party_id=party.id,
                                              team_id=f"tm{d // 3}").id)
            out.append({"token": token, "tasks": tids, "key": key})
    db.close()
    return out


def _prepare(dev: dict, rng: random.Random) -> list[tuple[dict, dict[str, bytes]]]:
    """A device's finished records and their photo bytes, made before the
    clock starts: at the end of the day they are already on the laptop."""
    from app.domain import record_signature
    from app.domain.plain import to_plain
    from app.domain.record import record_document
    from tests_sync_visits import finished_visit   # noqa
    out = []
    for task_id in dev["tasks"]:
        party_id, code = dev["parties"][task_id]
        v, blobs = finished_visit(task_id=task_id, party={"id": party_id, "scope": "gas_station", "credit_code": code},
                                  product="车用汽油", plan_item_id="B-1", rng=rng, photo_sizes=(30_000, 20_000))
        out.append(({"client_id": f"c-{v.id}", "kind": "record", "visit_id": v.id, "task_id": task_id,
                     "record_hash": v.record_hash, "document": to_plain(record_document(v)),
                     "signature": record_signature.sign(dev["key"], "record", v.record_hash)}, blobs))
    return out


async def _device(base: str, dev: dict, latencies: list[float], errors: list[str], start_delay: float,
                  spans: list[tuple[float, float]] | None = None, protocol: int = 2) -> None:
    """What the app's sync engine sends (sync/client/exchange.py; with
    protocol=1 what an fs-sync/1 laptop sends). One keep-alive connection
    per device, like the real thing."""
    from benchmarks.loadclient import Connection
    await asyncio.sleep(start_delay)
    # The protocol header as the app sends it (the server's 426 check reads it).
    h = {"Authorization": f"Bearer {dev['token']}", "FS-Protocol": f"fs-sync/{protocol}"}
    t0 = time.perf_counter()
    async with Connection(base) as client:
        await (_exchanges if protocol == 2 else _records)(client, dev, h, latencies, errors)
    if spans is not None:
        spans.append((t0, time.perf_counter()))


async def _exchanges(client, dev: dict, h: dict, latencies: list[float], errors: list[str]) -> None:
    """fs-sync/2: one exchange with the pull (from the device's cursor), the
    batch and the need question; the photos it needs (one PATCH each: these
    fit in a chunk); one exchange to confirm the records complete."""
    now = datetime.now(timezone.utc).isoformat()
    blobs = {sha: data for _, b in dev["records"] for sha, data in b.items()}
    try:
        t0 = time.perf_counter()
        r = await client.post("/v1/sync", headers=h, json={
            "protocol": "fs-sync/2", "pull": True, "cursor": dev["cursor"],
            "records": [{**body, "device_time": now} for body, _ in dev["records"]], "need": sorted(blobs)})
        latencies.append(time.perf_counter() - t0)
        if r.status_code != 200:
            errors.append(f"exchange {r.status_code} {r.text[:200]}")
            return
        reply = r.json()
        bad = [x for x in reply["results"] if x["code"] != 201]
        if bad or reply["pull"] is None:
            errors.append(f"results {bad[:1]}")
            return
        for sha in reply["need"]:
            data = blobs[sha]
            p = await client.patch(f"/v1/blobs/{sha}", content=data, headers={
                **h, "Upload-Offset": "0", "Upload-Length": str(len(data))})
            if p.status_code != 200 or not p.json()["complete"]:
                errors.append(f"photo {p.status_code}")
        st = await client.post("/v1/sync", headers=h, json={
            "protocol": "fs-sync/2", "status": [body["client_id"] for body, _ in dev["records"]]})
        if st.status_code != 200 or not all(x["complete"] for x in st.json()["status"]):
            errors.append("incomplete")
    except Exception as e:   # noqa: BLE001 - every failure is an error in the count
        errors.append(f"{type(e).__name__}: {e}")


async def _records(client, dev: dict, h: dict, latencies: list[float], errors: list[str]) -> None:
    """fs-sync/1: the pull, then per record the push, each photo the server
    lacks, the completeness check."""
    try:
        await client.get(f"/v1/pull?cursor={dev['cursor']}", headers=h)
    except Exception as e:   # noqa: BLE001
        errors.append(f"{type(e).__name__}: {e}")
        return
    for body, blobs in dev["records"]:
        body = {**body, "device_time": datetime.now(timezone.utc).isoformat()}
        try:
            t0 = time.perf_counter()
            r = await client.post("/v1/records", json=body, headers=h)
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 201:
                errors.append(f"push {r.status_code} {r.text[:200]}")
                continue
            for sha in r.json()["missing_photos"]:
                data = blobs[sha]
                p = await client.patch(f"/v1/blobs/{sha}", content=data, headers={
                    **h, "Upload-Offset": "0", "Upload-Length": str(len(data))})
                if p.status_code != 200 or not p.json()["complete"]:
                    errors.append(f"photo {p.status_code}")
            st = await client.get(f"/v1/records/{body['client_id']}", headers=h)
            if not st.json().get("complete"):
                errors.append("incomplete")
        except Exception as e:   # noqa: BLE001 - every failure is an error in the count
            errors.append(f"{type(e).__name__}: {e}")


async def _morning_pulls(base: str, devs: list[dict]) -> None:
    """Each device's first (full) pull, a few at a time, before the clock starts."""
    from benchmarks.loadclient import Connection
    gate = asyncio.Semaphore(8)

    async def one(dev: dict) -> None:
        async with gate, Connection(base) as client:
            r = await client.get("/v1/pull", headers={"Authorization": f"Bearer {dev['token']}"})
            dev["cursor"] = r.json()["cursor"]
    await asyncio.gather(*[one(d) for d in devs])


@dataclass
class LoadResult:
    window_s: float
    elapsed_s: float
    latencies: list[float]          # push (POST /v1/records) latencies, seconds, sorted
    errors: list[str]
    spans: list[tuple[float, float]]  # each device's sync, start and end
    floor: list[float]                # GET /v1/health from every device at one instant, seconds, sorted

    def peak_concurrency(self) -> int:
        events = sorted([(a, 1) for a, _ in self.spans] + [(b, -1) for _, b in self.spans])
        now = peak = 0
        for _, step in events:
            now += step
            peak = max(peak, now)
        return peak

    def pct(self, q: float) -> float:
        return self.latencies[int(q * (len(self.latencies) - 1))] * 1000 if self.latencies else float("inf")


def run_load(tmp: Path, *, devices_n: int = 300, records: int = 3, window_s: float = 20.0,
             protocol: int = 2) -> LoadResult:
    """A fresh PostgreSQL (fsync on), `serve` with its default workers, and
    devices_n devices each starting its end-of-day sync at a random moment
    within window_s (0: all at the same instant). Each device pulled once
    before (its morning sync: it has a cursor)."""
    sys.modules["tests_sync_visits"] = _load("visits")
    cluster = pgcluster.PgCluster(fast=False).start()
    proc = None
    try:
        url = cluster.create_database("bench")
        from sync.server.db import Database
        Database(url).close()                                  # migrate
        devs = _seed_load(url, devices_n, records)
        from sqlalchemy import create_engine, text
        eng = create_engine(url)
        with eng.connect() as c:
            parties = {t: (p, code) for t, p, code in c.execute(text(
                "SELECT t.id, p.id, p.credit_code FROM tasks t JOIN parties p ON p.id = t.party_id")).all()}
        eng.dispose()
        for i, d in enumerate(devs):
            d["parties"] = {t: parties[t] for t in d["tasks"]}
            d["records"] = _prepare(d, random.Random(i))
        port = pgcluster.free_port()
        extra = os.environ.get("BENCH_SERVER_ARGS", "").split()      # e.g. --workers 1, to compare
        proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--data", str(tmp / f"c{window_s}"),
                                 "--database-url", url, "--port", str(port), *extra], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait_up(base + "/v1/health")
        asyncio.run(_morning_pulls(base, devs))
        floor = asyncio.run(_floor(base, devices_n)) if not window_s else []
        profiler = _profiler(proc.pid, tmp, window_s, protocol)
        latencies: list[float] = []
        errors: list[str] = []
        spans: list[tuple[float, float]] = []

        async def main() -> float:
            rng = random.Random(9)
            t0 = time.perf_counter()
            await asyncio.gather(*[_device(base, d, latencies, errors, rng.uniform(0, window_s), spans, protocol)
                                   for d in devs])
            return time.perf_counter() - t0
        cpu0 = _cpu_split(proc.pid)
        elapsed = asyncio.run(main())
        _print_cpu(cpu0, _cpu_split(proc.pid), elapsed)
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)      # py-spy writes its samples on ^C
            profiler.wait(timeout=60)
        return LoadResult(window_s, elapsed, sorted(latencies), errors, spans, floor)
    finally:
        if proc is not None:
            proc.terminate()             # the supervisor stops its worker processes
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
        cluster.stop()


async def _floor(base: str, n: int) -> list[float]:
    """The floor under the all-at-once figure: every device sends the
    cheapest request there is (GET /v1/health: no token, no database) at the
    same instant, on a connection it has already opened. Whatever an
    exchange costs comes on top of this."""
    from benchmarks.loadclient import Connection
    conns = [Connection(base) for _ in range(n)]
    for c in conns:
        await c.get("/v1/health")                          # connected, warm
    out: list[float] = []

    async def one(c) -> None:
        t0 = time.perf_counter()
        await c.get("/v1/health")
        out.append(time.perf_counter() - t0)
    await asyncio.gather(*[one(c) for c in conns])
    for c in conns:
        await c.__aexit__(None, None, None)
    return sorted(out)


def _cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server's processes, PostgreSQL's and this
    load generator's (Linux /proc): who used the two cores."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"server": 0.0, "postgres": 0.0}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        f = stat[stat.rindex(")") + 2:].split()
        pgrp, cpu = int(f[2]), (int(f[11]) + int(f[12])) / tick
        if pgrp == server_pid:                          # serve and its workers (own session)
            out["server"] += cpu
        elif comm.startswith("postgres"):
            out["postgres"] += cpu
    ru = os.times()
    out["load generator"] = ru.user + ru.system
    return out


def _print_cpu(before: dict[str, float], after: dict[str, float], elapsed: float) -> None:
    used = {k: after[k] - before.get(k, 0.0) for k in after}
    print("# CPU during the load (s): " + ", ".join(f"{k} {v:.1f}" for k, v in used.items())
          + f"; {elapsed:.1f} s x {os.cpu_count()} cores = {elapsed * (os.cpu_count() or 1):.1f} s", flush=True)


def _profiler(pid: int, tmp: Path, window_s: float, protocol: int) -> subprocess.Popen | None:
    """BENCH_PROFILE=<folder>: py-spy samples the server's worker processes
    during the load (collapsed stacks, one file per run) to see where the
    time goes."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    out = Path(folder) / f"sync-v{protocol}-window{window_s:.0f}.txt"
    spy = Path(sys.executable).with_name("py-spy")
    proc = subprocess.Popen([str(spy), "record", "--pid", str(pid), "--subprocesses", "--rate", "250",
                             "--format", "raw", "--nonblocking", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)                                   # attached before the clock starts
    return proc


def _machine() -> str:
    """How loaded the machine was (the figures are shared-machine figures)."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def _load_line(r: LoadResult, devices_n: int, records: int, protocol: int) -> str:
    syncs = sorted(b - a for a, b in r.spans)
    return (f"fs-sync/{protocol}, {devices_n} devices x {records} records (+5 blobs each), arrivals within "
            f"{r.window_s:.0f} s: done in {r.elapsed_s:.1f} s, pushes {len(r.latencies)}, median "
            f"{statistics.median(r.latencies) * 1000:.0f} ms, p99 {r.pct(0.99):.0f} ms, errors {len(r.errors)}; "
            f"a device's whole sync: median {statistics.median(syncs):.1f} s, "
            f"p99 {syncs[int(0.99 * (len(syncs) - 1))]:.1f} s; at most {r.peak_concurrency()} devices syncing at once"
            + (f"; floor: {len(r.floor)} GET /v1/health at one instant p99 "
               f"{r.floor[int(0.99 * (len(r.floor) - 1))] * 1000:.0f} ms" if r.floor else ""))


def bench_load(tmp: Path, devices_n: int = 300, records: int = 3) -> None:
    """The end-of-day sync of 300 devices, the fleet arriving within 20 s
    (one period of the app's reachability probe, 30 s jittered, starts a
    sync when a laptop gets a network) and all 300 at the same instant;
    both targeted. A push is the exchange that carries a device's batch
    (fs-sync/2); fs-sync/1 at the same instant (a push per record) is run
    alongside as the baseline."""
    baseline = run_load(tmp, devices_n=devices_n, records=records, window_s=0.0, protocol=1)
    base_line = _load_line(baseline, devices_n, records, 1)
    print(f"# {base_line} ({_machine()})", flush=True)
    for window in (20.0, 0.0):
        r = run_load(tmp, devices_n=devices_n, records=records, window_s=window)
        n = len(r.latencies)
        print(f"# {_load_line(r, devices_n, records, 2)} ({_machine()})", flush=True)
        if r.errors:
            print("# first errors:", r.errors[:3], flush=True)
        tag = "all_at_once" if not window else "within_20s"
        report(f"sync_300_devices_{tag}_errors", len(r.errors), "errors", "<=", 0,
               baseline=f"{n} pushes; fs-sync/1 at once: {len(baseline.errors)} errors; {_machine()}")
        report(f"sync_300_devices_{tag}_p99_push_latency", r.pct(0.99), "ms", "<=", 500,
               baseline=f"median {statistics.median(r.latencies) * 1000:.0f} ms; fs-sync/1 at once: p99 "
                        f"{baseline.pct(0.99):.0f} ms, median {statistics.median(baseline.latencies) * 1000:.0f} ms; "
                        f"{_machine()}")
        if not window:
            print(f"# all at once: the server worked through {devices_n / r.elapsed_s:.1f} device syncs/s "
                  f"(fs-sync/1: {devices_n / baseline.elapsed_s:.1f})", flush=True)


def bench_requests(tmp: Path) -> None:
    """Requests per end-of-day device sync with the app's own sync engine:
    3 records, 15 photos and signatures (one chunk each), through a counting
    proxy; the same laptop state with fs-sync/1 as the baseline."""
    from tests.sync.device import Device
    from tests.sync.world import add_big_tasks, seed
    from sync.server.app import create_app
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.runner import start_in_thread
    settings = settings_for(tmp / "req")
    db = Database(settings.db_url)
    with db.session() as s:
        world = seed(s)
    running = start_in_thread(create_app(settings, db))
    counts = {}
    try:
        for protocol in (1, 2):
            with db.session() as s:
                ids = set(add_big_tasks(s, 3, prefix=f"req{protocol}-"))
            host, port = running.url.rsplit("//", 1)[1].rsplit(":", 1)
            proxy = faultproxy.FaultProxy((host, int(port)))
            dev = Device(tmp / f"laptop{protocol}", proxy.url, seed=protocol, chunk_size=CHUNK,
                         key=world.keys["s_a1"])
            kw = {"token": world.tokens["s_a1"], "protocol": 1 if protocol == 1 else None}
            dev.engine(**kw).run(push=False)                       # the morning pull
            for t in [t for t, _ in dev.tasks() if t.id in ids]:
                dev.finish_visit(t, photo_sizes=(60_000, 30_000))
            proxy.stats.seen.clear()
            assert dev.engine(**kw).run().complete
            uploads = proxy.stats.count("PATCH")
            counts[protocol] = (len(proxy.stats.seen) - uploads, uploads)
            proxy.close()
            dev.store.close()
    finally:
        running.stop()
        db.close()
    (v1, v1_up), (v2, v2_up) = counts[1], counts[2]
    report("sync_requests_per_device_sync", v2, "requests", "<=", 3,
           baseline=f"+ {v2_up} uploads carrying bytes, 3 records and 15 photos; fs-sync/1: {v1} + {v1_up} uploads")


def main() -> None:
    only = os.environ.get("BENCH_SYNC_ONLY", "")          # e.g. "load": one part, while working on it
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name, fn in (("wire", bench_wire), ("throughput", bench_throughput), ("requests", bench_requests),
                         ("load", bench_load)):
            if not only or name in only.split(","):
                fn(tmp)


if __name__ == "__main__":
    main()
