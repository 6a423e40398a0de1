"""Object-store benchmarks against a real SeaweedFS on loopback, in one run:
(a) photo upload throughput through the server (chunked, resumable, hash
    verified) into SeaweedFS vs a direct S3 PUT of the same bytes to the
    same SeaweedFS with the same client library;
(b) requests/s of one server worker process with the S3 backend vs the
    filesystem backend, under the same end-of-day load (bench_sync's
    devices: push, photos, completeness check), on PostgreSQL;
plus the object store's own PUT/GET throughput (sync/DEPLOYMENT.md)."""
from __future__ import annotations

import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import report  # noqa: E402
from benchmarks import bench_sync  # noqa: E402
from tests.sync.seaweed import SeaweedS3  # noqa: E402

MB = 1024 * 1024


def _s3_args(weed: SeaweedS3, url: str) -> list[str]:
    return ["--blob-url", url, "--s3-endpoint", weed.endpoint, "--s3-credentials-file", str(weed.credentials_file())]


def bench_upload(tmp: Path, weed: SeaweedS3) -> None:
    from sync.client import photos
    from sync.client.transport import Transport
    from sync.client.photos import DEFAULT_CHUNK
    _, db, token = bench_sync._seed_only(tmp / "up")
    db.close()
    port = bench_sync.pgcluster.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--data", str(tmp / "up"),
                             "--port", str(port), *_s3_args(weed, "s3://bench/photos")], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    client = weed.client()
    try:
        bench_sync._wait_up(url + "/v1/health")
        direct, ours = [], []
        for i in range(7):
            data = random.Random(20 + i).randbytes(32 * MB)               # 32 MiB: a few photos
            t0 = time.perf_counter()
            client.put_object(Bucket="bench", Key=f"direct/{i}", Body=data)
            direct.append(time.perf_counter() - t0)
            sha = hashlib.sha256(data).hexdigest()
            t = Transport(url, token)
            t0 = time.perf_counter()
            photos.upload(t, sha, photos._Reader(data), chunk_size=DEFAULT_CHUNK, start_offset=0)
            ours.append(time.perf_counter() - t0)
            t.close()
        d, o = statistics.median(direct), statistics.median(ours)
        print(f"# 32 MiB into SeaweedFS: direct S3 PUT {d * 1000:.0f} ms ({32 / d:.0f} MiB/s), through the "
              f"server in {DEFAULT_CHUNK // MB} MiB chunks {o * 1000:.0f} ms ({32 / o:.0f} MiB/s) (medians of 7)",
              flush=True)
        report("s3_upload_throughput_vs_direct_put", d / o, "ratio", ">=", 0.8,
               baseline=f"direct PUT {d * 1000:.0f} ms / through the server {o * 1000:.0f} ms for 32 MiB")
        t0 = time.perf_counter()
        for i in range(7):
            client.get_object(Bucket="bench", Key=f"direct/{i}")["Body"].read()
        get = (time.perf_counter() - t0) / 7
        print(f"# SeaweedFS on loopback: PUT {32 / d:.0f} MiB/s, GET {32 / get:.0f} MiB/s (one stream, 32 MiB)",
              flush=True)
    finally:
        proc.kill()
        proc.wait()


def bench_worker(tmp: Path, weed: SeaweedS3, devices_n: int = 60, records: int = 3) -> None:
    """One worker process, all devices at once: requests/s is the worker's
    throughput (Little's law: the queue is bounded by it)."""
    rates = {}
    for name, extra in (("filesystem", []), ("S3", _s3_args(weed, "s3://bench/load"))):
        os.environ["BENCH_SERVER_ARGS"] = " ".join(["--workers", "1", *extra])
        r = bench_sync.run_load(tmp / name, devices_n=devices_n, records=records, window_s=0.0)
        n_req = devices_n * records * 7                 # push, 5 photos, completeness check
        rates[name] = n_req / r.elapsed_s
        print(f"# one worker, {name} blobs: {devices_n} devices x {records} records at once, {n_req} requests in "
              f"{r.elapsed_s:.1f} s = {rates[name]:.0f} requests/s, push p99 {r.pct(0.99):.0f} ms, "
              f"errors {len(r.errors)}", flush=True)
        if r.errors:
            print("# first errors:", r.errors[:3], flush=True)
    os.environ.pop("BENCH_SERVER_ARGS", None)
    report("s3_one_worker_requests_per_s", rates["S3"], "req/s", ">=", 0.5 * rates["filesystem"],
           baseline=f"filesystem {rates['filesystem']:.0f} req/s, same run; target half of it")


def main() -> None:
    weed = SeaweedS3().start()
    try:
        weed.create_bucket("bench")
        with tempfile.TemporaryDirectory() as d:
            bench_upload(Path(d), weed)
            bench_worker(Path(d), weed)
    finally:
        weed.stop()


if __name__ == "__main__":
    main()
