"""Body limits before parsing and before the token: 413 in the protocol's
envelope for a body over its route's limit, declared or chunked, from
anyone; only photo uploads take large bodies. Memory is measured on a real
`field-sampler-server serve` process under six concurrent 50 MB bodies."""
from __future__ import annotations

import hashlib
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from sync.server.bodylimit import DEFAULT_LIMIT, KiB, MiB

ROOT = Path(__file__).resolve().parents[2]


def _too_large(r: httpx.Response, limit: int) -> None:
    assert r.status_code == 413, (r.status_code, r.text[:200])
    body = r.json()
    assert body["ok"] is False and body["protocol"] == "fs-sync/1"
    assert body["error"]["code"] == "request.too_large" and body["error"]["params"]["limit"] == limit
    assert str(limit) in body["error"]["zh"]


def _chunks(total: int, piece: int = 16 * KiB):
    sent = 0
    while sent < total:
        n = min(piece, total - sent)
        sent += n
        yield b" " * n


def test_bodies_over_their_route_limit_are_413_before_the_token_is_looked_at(live_sqlite):
    live = live_sqlite
    with live.client() as anonymous:
        _too_large(anonymous.post("/v1/auth/login", content=b"{" + b" " * 5000 + b"}",
                                  headers={"Content-Type": "application/json"}), 4 * KiB)
        # chunked: no length declared, refused once past the limit
        _too_large(anonymous.post("/v1/auth/enroll", content=_chunks(20 * KiB),
                                  headers={"Content-Type": "application/json"}), 4 * KiB)
        # no token and a 2 MB record: the size answers first
        _too_large(anonymous.post("/v1/records", content=b" " * (2 * MiB),
                                  headers={"Content-Type": "application/json"}), 1 * MiB)
        # a body sent with a GET is held to the default limit
        _too_large(anonymous.request("GET", "/v1/health", content=b"x" * (DEFAULT_LIMIT + 1)), DEFAULT_LIMIT)
        # under the limit, chunked or not, the request is read as usual
        r = anonymous.post("/v1/auth/login", content=_chunks(3 * KiB, 100), headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "input.json"
    with live.client("s_a1") as sampler:
        doc_padding = {"client_id": "c-padding-1", "visit_id": "v", "record_hash": "0" * 64,
                       "document": {"remarks": "长" * (600 * KiB)}, "device_time": "2026-01-01T00:00:00Z"}
        _too_large(sampler.post("/v1/records", json=doc_padding), 1 * MiB)      # a 50 MB record: never stored
        # photos alone take large bodies, streamed to disk
        data = os.urandom(3 * MiB)
        sha = hashlib.sha256(data).hexdigest()
        r = sampler.patch(f"/v1/blobs/{sha}", content=data,
                          headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
        assert r.status_code == 200 and r.json()["complete"]
    with live.client("adm_a") as admin:
        _too_large(admin.post("/v1/tasks", json={"plan_item_id": "2022-4-18", "party_id": "p", "team_id": "t",
                                                 "notes": "x" * (100 * KiB)}), DEFAULT_LIMIT)


def _raw_request(url: str, head: str, body_size: int, *, chunked: bool) -> int | None:
    """Send a request of `body_size` bytes by hand, watching for an early
    answer between pieces; returns the status, or None if the server cut
    the connection before an answer could be read."""
    host, port = re.match(r"http://([^:]+):(\d+)", url).groups()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_size}"
        s.sendall(f"{head}\r\nHost: {host}\r\n{framing}\r\n\r\n".encode())
        piece, sent = b"x" * (256 * KiB), 0
        try:
            while sent < body_size:
                if select.select([s], [], [], 0)[0]:
                    break                                   # answered early: stop sending
                data = piece[:body_size - sent]
                s.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                sent += len(data)
            else:
                if chunked:
                    s.sendall(b"0\r\n\r\n")
            reply = s.recv(4096)
        except (ConnectionResetError, BrokenPipeError):
            return None
        m = re.match(rb"HTTP/1\.1 (\d{3})", reply)
        return int(m.group(1)) if m else None


def _memory_kib(pid: int) -> dict[str, int]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {k: int(v) for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M)}


def test_memory_stays_flat_under_six_concurrent_50_mb_bodies(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.cli", "serve", "--port", "0",
                             "--data", str(tmp_path / "data")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"(http://\S+)", line).group(1).rstrip(" (")
        for _ in range(100):
            try:
                if httpx.get(f"{url}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=url) as c:               # warm up every path the attack takes
            for _ in range(3):
                c.post("/v1/auth/login", json={"username": "nobody", "password": "x"})
                c.post("/v1/records", content=b"{}", headers={"Content-Type": "application/json"})
                c.patch("/v1/blobs/" + "a" * 64, content=b"x", headers={"Upload-Offset": "0", "Upload-Length": "1"})
        before = _memory_kib(proc.pid)
        size = 50 * MiB
        requests = [("POST /v1/auth/login HTTP/1.1\r\nContent-Type: application/json", False),
                    ("POST /v1/auth/login HTTP/1.1\r\nContent-Type: application/json", True),
                    ("POST /v1/records HTTP/1.1\r\nContent-Type: application/json", False),
                    ("POST /v1/records HTTP/1.1\r\nContent-Type: application/json", True),
                    ("PATCH /v1/blobs/" + "b" * 64 + " HTTP/1.1\r\nUpload-Offset: 0\r\nUpload-Length: 52428800", False),
                    ("POST /v1/tasks HTTP/1.1\r\nContent-Type: application/json", True)]
        statuses: list[int | None] = [None] * len(requests)

        def send(i: int) -> None:
            head, chunked = requests[i]
            statuses[i] = _raw_request(url, head, size, chunked=chunked)
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        after = _memory_kib(proc.pid)
        grown_mib = (after["VmHWM"] - before["VmRSS"]) / 1024
        print(f"server RSS {before['VmRSS'] / 1024:.0f} MiB before, peak {after['VmHWM'] / 1024:.0f} MiB "
              f"during six 50 MB bodies (+{grown_mib:.1f} MiB)")
        assert grown_mib < 30, (before, after)
        # Each was answered without its body being taken in: 413 (or cut right
        # after it), and the unauthenticated upload 401 before a byte was read.
        assert statuses[0] == 413 and statuses[2] == 413 and statuses[4] == 401, statuses
        assert all(s in (413, None) for s in (statuses[1], statuses[3], statuses[5])), statuses
        assert httpx.get(f"{url}/v1/health").status_code == 200       # and it still serves
    finally:
        proc.terminate()
        proc.wait(10)
