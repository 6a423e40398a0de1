"""`field-sampler-server blobs migrate --to s3://...`: copy every blob from
this server's disk to an object store, verify each copy by reading it back
and hashing it, and only when every blob is there and verified, switch the
server over (server_state.blob_url, which every `serve` reads at start).

Resumable: a blob already in the store with the right size is not sent
again, only read back and verified; one whose copy is wrong is sent again.
Run it once while the server is up (the bulk), then stop the server, run
it again (what arrived meanwhile; then it switches) and start the
server(s)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from sync.server.blobs.backends import record_url
from sync.server.blobs.models import Blob


@dataclass
class MigrateReport:
    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    bad: list[str] = field(default_factory=list)          # could not be copied intact
    missing_on_disk: list[str] = field(default_factory=list)
    switched: bool = False


def _verified(target, sha: str) -> bool:
    h = hashlib.sha256()
    for block in target.iter_bytes(sha):
        h.update(block)
    return h.hexdigest() == sha


def migrate(*, db, source, target, url: str, progress=lambda text: None) -> MigrateReport:
    report = MigrateReport()
    target.ensure_bucket()
    on_disk = {sha: size for sha, size, _ in source.list_blobs()}
    with db.session() as s:
        registered = set(s.scalars(select(Blob.sha256)))
    report.missing_on_disk = sorted(registered - set(on_disk))
    for i, (sha, size) in enumerate(sorted(on_disk.items()), 1):
        if target.size(sha) == size and _verified(target, sha):
            report.already_there += 1
        else:
            for _attempt in range(2):
                with source.open(sha) as f:
                    target.put_file(sha, f, size)
                if _verified(target, sha):
                    report.copied += 1
                    report.bytes_copied += size
                    break
            else:
                report.bad.append(sha)
        if i % 100 == 0:
            progress(f"{i}/{len(on_disk)} blobs")
    if not report.bad and not report.missing_on_disk:
        record_url(db, url)
        report.switched = True
    return report
