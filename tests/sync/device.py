"""A simulated sampler laptop: its local store, its photos, its sync engine."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.domain.canonical import to_plain
from app.domain.record import record_bytes
from app.domain.seal_payload import KeySigner
from app.domain.visit import VisitStatus
from app.store import master_repo, visits_repo
from app.store.sync_models import OutboxItem
from sync.client import outbox
from sync.client.engine import SyncEngine
from sync.client.enroll import enroll
from sync.client.transport import RetryPolicy, Timeouts
from tests.sync.localstore import LocalStore
from tests.sync.visits import finished_visit

FAST_RETRY = RetryPolicy(base_s=0.01, factor=2, max_delay_s=0.1, attempts=6)


class Device:
    def __init__(self, root: Path, server_url: str, *, seed: int = 0, chunk_size: int = 64 * 1024,
                 retry: RetryPolicy = FAST_RETRY, timeouts: Timeouts | None = None, key: KeySigner | None = None):
        """key: the laptop's Ed25519 key (the one its token's device registered:
        tests/sync/world.py's keys[user] for a world token); new when omitted."""
        root.mkdir(parents=True, exist_ok=True)
        self.root, self.server_url = root, server_url
        self.store = LocalStore(root / "local.db")
        self.photos_dir = root / "evidence"
        self.photos_dir.mkdir(exist_ok=True)
        self.rng = random.Random(seed)
        self.chunk_size, self.retry = chunk_size, retry
        self.timeouts = timeouts or Timeouts(connect_s=2, read_s=3)
        self.visits = {}
        self.key = key or KeySigner()

    def photo_path(self, sha: str) -> Path:
        return self.photos_dir / sha

    def enroll(self, username: str, password: str):
        return enroll(self.server_url, username, password, self.key.public_key_bytes(), device_name="测试笔记本")

    def engine(self, **kw) -> SyncEngine:
        return SyncEngine(server_url=self.server_url, db=self.store, photo_source=self.photo_path,
                          retry=self.retry, timeouts=self.timeouts, chunk_size=self.chunk_size,
                          defer=lambda n: __import__("datetime").timedelta(0), **{"signer": self.key, **kw})

    def tasks(self):
        """(task, withdrawn) as the laptop's store holds them, by id."""
        with self.store.read() as s:
            rows = sorted(master_repo.list_tasks(s), key=lambda r: r.id)
            return [(master_repo.load_task(s, r.id), r.withdrawn_at is not None) for r in rows]

    def finish_visit(self, task, *, photo_sizes=(60_000, 30_000), status=VisitStatus.FINISHED,
                     finished_at: datetime | None = None, frozen: bool = True):
        """Complete a visit for a pulled task (a TaskOut) and queue its record
        (frozen=False: only queued, as a store without the signed copy would)."""
        item = task.plan_item_ids[0]
        v, blobs = finished_visit(task_id=task.id, party=to_plain(task.party), product=self.product(item),
                                  plan_item_id=item, rng=self.rng, photo_sizes=photo_sizes, status=status,
                                  finished_at=finished_at)
        for sha, data in blobs.items():
            self.photo_path(sha).write_bytes(data)
        with self.store.session() as s:       # frozen and queued in one transaction, as the app does
            if frozen:
                visits_repo.save_visit(s, v, now=v.finished_at)
                s.flush()                      # the visit row before the row that references it
                visits_repo.store_signed_record(s, visit_id=v.id, record_hash=v.record_hash,
                                                canonical=record_bytes(v), signed_at=v.finished_at)
            outbox.enqueue_record(s, v)
        self.visits[v.id] = (v, blobs)
        return v, blobs

    def product(self, item_id: str) -> str:
        with self.store.read() as s:
            item = master_repo.plan_item(s, item_id)
        if item is None:
            raise KeyError(item_id)
        return item.product

    def outbox(self) -> list[OutboxItem]:
        with self.store.session() as s:
            return list(s.scalars(select(OutboxItem).order_by(OutboxItem.position)))
