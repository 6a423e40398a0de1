"""Console benchmarks on PostgreSQL with the 745-batch plan and 20,000
sampled records (plus 600 refusals and problem reports), over loopback
HTTP to the real server:
(a) dashboard: server time, median and p95 (target p95 <= 300 ms);
(b) records list, filtered (product + outcome, and a text search), first
    page: p95 (target <= 200 ms);
(c) 检验情况汇总表 .xlsx of the 20,000 rows, against openpyxl writing the
    same rows from a list in the same run (target <= 1.5x)."""
from __future__ import annotations

import importlib.util
import io
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import MISSED, report  # noqa: E402

RECORDS, OTHERS, PARTIES = 20_000, 600, 4_000
CHINA = timezone(timedelta(hours=8))


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "sync" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _template() -> dict:
    """A complete record document (the forms' demo visit) to vary."""
    from app.domain.record import record_document
    from forms.demo import demo_visit
    visit, _ = demo_visit()
    return record_document(visit)


def seed(db) -> None:
    from sqlalchemy import insert, select

    from app.domain.canonical import canonical_bytes, canonical_hash
    from sync.server import demo
    from sync.server.parties.models import Party
    from sync.server.plan.models import PlanItem
    from sync.server.records import fields
    from sync.server.records.models import Record
    from sync.server.tasks.models import Task
    rng = random.Random(10)
    with db.session() as s:
        demo.seed(session=s)
        items = list(s.scalars(select(PlanItem).where(PlanItem.plan_id == "2022-4")))
        parties = [{"id": f"p-b{i:05d}", "name": f"{rng.choice(('太原', '大同', '晋中', '长治'))}市示例商行{i:05d}",
                    "credit_code": f"91{i:016d}", "address": f"示例路{i}号", "scope": "seller",
                    "region": rng.choice(("太原市", "大同市", "晋中市", "长治市", "临汾市"))} for i in range(PARTIES)]
        s.execute(insert(Party), parties)
    base = _template()
    now = datetime.now(timezone.utc)
    tasks, records = [], []
    for n in range(RECORDS + OTHERS):
        item = items[n % len(items)]
        party = parties[rng.randrange(PARTIES)]
        agency = demo.AGENCY_ID
        finished = now - timedelta(days=rng.randrange(30), minutes=rng.randrange(600))
        doc = json.loads(json.dumps(base))
        doc["id"] = str(uuid.UUID(int=rng.getrandbits(128)))
        doc["record_no"] = f"2022-4-{finished:%Y%m%d}-B{n:06d}"
        doc["party"]["name"], doc["party"]["address"], doc["party"]["id"] = party["name"], party["address"], party["id"]
        doc["sample"]["product"], doc["sample"]["plan_item_id"] = item.product, item.id
        doc["finished_at"] = finished.isoformat(timespec="seconds").replace("+00:00", "Z")
        status = "finished" if n < RECORDS else ("refused" if n % 2 else "problem_reported")
        doc["status"] = status
        task_id = f"t-b{n:06d}"
        tasks.append({"id": task_id, "plan_id": "2022-4", "plan_item_id": item.id, "party_id": party["id"],
                      "agency_id": agency, "team_id": demo.TEAM_ID, "status": "done", "due_date": ""})
        records.append({"client_id": doc["id"], "visit_id": doc["id"], "record_hash": canonical_hash(doc),
                        "task_id": task_id, "plan_item_id": item.id, "party_id": party["id"], "agency_id": agency,
                        "user_id": "u-bench", "device_id": "d-bench", "status": status, "product": item.product,
                        **fields.from_document(doc),
                        **fields.timing(finished_at=finished, device_time=finished + timedelta(hours=2),
                                        received_at=finished + timedelta(hours=2 if n % 9 else 60)),
                        "document": canonical_bytes(doc).decode("utf-8"), "finished_at": finished,
                        "device_time": finished + timedelta(hours=2),
                        "received_at": finished + timedelta(hours=2 if n % 9 else 60)})
    with db.session() as s:
        for i in range(0, len(tasks), 2000):
            s.execute(insert(Task), tasks[i:i + 2000])
            s.execute(insert(Record), records[i:i + 2000])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def timed_gets(client, path: str, n: int = 40, warm: int = 3) -> list[float]:
    for _ in range(warm):
        assert client.get(path).status_code == 200
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path)
        out.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> int:
    import httpx

    from sync.server.app import create_app
    from sync.server.config import settings_for
    from sync.server.db import Database
    from sync.server.exports import summary
    from sync.server.runner import start_in_thread
    from tests.console.conftest import sign_in
    pg = _load("pgcluster").PgCluster().start()
    ok = True
    try:
        url = pg.create_database("fs_console_bench")
        tmp = Path(tempfile.mkdtemp(prefix="fs-console-bench-"))
        settings = settings_for(tmp, url)
        db = Database(settings.db_url)
        t0 = time.perf_counter()
        seed(db)
        print(f"# seeded {RECORDS + OTHERS} records in {time.perf_counter() - t0:.1f} s", flush=True)
        running = start_in_thread(create_app(settings, db))
        from sync.server.auth import service as accounts
        with db.session() as s:
            accounts.set_password(session=s, username="province", password="bench-pass-1")
        with httpx.Client(base_url=running.url, follow_redirects=False, timeout=60) as c:
            sign_in(c, "province", "bench-pass-1")
            # same-run reference: the server's cheapest answer over the same loopback
            health = statistics.median(timed_gets(c, "/v1/health")) * 1000
            dash = timed_gets(c, "/console/dashboard")
            base = f"median {statistics.median(dash) * 1000:.0f} ms; /v1/health {health:.1f} ms"
            ok &= report("console_dashboard_median", statistics.median(dash) * 1000, "ms", "<=", 300, baseline=base)
            ok &= report("console_dashboard_p95", p95(dash) * 1000, "ms", "<=", 300, baseline=base)
            listed = timed_gets(c, "/console/records?product=2022-4-11&outcome=finished")
            listed += timed_gets(c, "/console/records?q=%E7%A4%BA%E4%BE%8B%E5%95%86%E8%A1%8C0123")  # 示例商行0123
            ok &= report("console_records_filtered_p95", p95(listed) * 1000, "ms", "<=", 200,
                         baseline=f"median {statistics.median(listed) * 1000:.0f} ms; /v1/health {health:.1f} ms")
        running.stop()

        def export() -> bytes:
            with db.session() as s:
                data, n = summary.xlsx_bytes(session=s, plan_id="2022-4")
            assert n == RECORDS, n
            return data

        with db.session() as s:
            rows = list(summary.rows(session=s, plan_id="2022-4"))
            sheet_title = summary.title(s, "2022-4")

        def baseline() -> bytes:
            buf = io.BytesIO()
            summary.write_xlsx(buf, sheet_title=sheet_title, data=iter(rows))
            return buf.getvalue()

        ratios, pairs = [], []
        for i in range(5):       # pairs in alternating order: both sides see the same machine load
            first, second = (export, baseline) if i % 2 == 0 else (baseline, export)
            t0 = time.perf_counter()
            first()
            t1 = time.perf_counter()
            second()
            t2 = time.perf_counter()
            ours, base = (t1 - t0, t2 - t1) if i % 2 == 0 else (t2 - t1, t1 - t0)
            ratios.append(ours / base)
            pairs.append((ours, base))
        mid = sorted(pairs, key=lambda p: p[0] / p[1])[len(pairs) // 2]
        ok &= report("console_xlsx_export_vs_openpyxl", statistics.median(ratios), "x", "<=", 1.5,
                     baseline=f"export {mid[0]:.2f} s / openpyxl from a list {mid[1]:.2f} s, {RECORDS} rows")
        db.close()
    finally:
        pg.stop()
    return 0 if ok else MISSED


if __name__ == "__main__":
    sys.exit(main())
