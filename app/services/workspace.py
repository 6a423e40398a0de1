"""The opened local workspace: database, evidence store, reference data and
the clock. Every service function takes it as its first argument. Qt-free."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Callable

from app.domain.plain import from_plain, to_plain
from app.domain.plan import SamplingRule
from app.domain.times import utc_now
from app.store import master_repo, paths
from app.store.db import Database

log = logging.getLogger(__name__)


class Workspace:
    def __init__(self, data_dir: str | Path | None = None, *, clock: Callable[[], datetime] = utc_now,
                 lang: str = "zh_CN"):
        self.data_dir = paths.data_dir(data_dir)
        self.db = Database(paths.database_path(self.data_dir))
        self.clock = clock
        self.lang = lang
        from app.store.evidence import EvidenceStore
        self.evidence = EvidenceStore(paths.evidence_root(self.data_dir))
        # Temp files left by a crash mid-copy are never objects; drop old ones.
        self.evidence.sweep_temp()

    def now(self) -> datetime:
        # Seconds precision: the canonical record stores seconds.
        return self.clock().replace(microsecond=0)

    @cached_property
    def device_id(self) -> str:
        """A random id made once per installation; part of record numbers."""
        with self.db.session() as s:
            value = master_repo.get_setting(s, "device_id")
            if value is None:
                value = uuid.uuid4().hex
                master_repo.put_setting(s, "device_id", value)
            return value

    @cached_property
    def shipped_rules(self) -> dict[str, SamplingRule]:
        """The packaged rules (resources/sampling_rules.json): the first-run
        default, until a pull brings the server's."""
        from app.domain.reference_data import load_sampling_rules
        return load_sampling_rules()

    @property
    def sampling_rules(self) -> dict[str, SamplingRule]:
        """Per product: the server's rule once a pull brought one, else the packaged one."""
        with self.db.read() as s:
            pulled = master_repo.sampling_rules(s)
        return {p: self._over(self.shipped_rules.get(p), pulled.get(p)) for p in {*self.shipped_rules, *pulled}}

    def rule_for(self, product: str) -> SamplingRule | None:
        with self.db.read() as s:
            pulled = master_repo.sampling_rule(s, product)
        return self._over(self.shipped_rules.get(product), pulled)

    @staticmethod
    def _over(shipped: SamplingRule | None, pulled: dict | None) -> SamplingRule | None:
        """What the server's rule says wins; what it does not say (a server
        older than a field of the rule) stays as the packaged rule says."""
        if pulled is None:
            return shipped
        base = to_plain(shipped, volatile=True) if shipped is not None else {}
        return from_plain(SamplingRule, {**base, **pulled})

    def close(self) -> None:
        self.evidence.close()
        self.db.close()
