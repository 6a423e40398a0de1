"""Push bodies for the hardening tests: a real finished record of one of the
test world's tasks, and ways to send it broken."""
from __future__ import annotations

import json
import random
from datetime import datetime, timezone

from app.domain.canonical import canonical_hash
from app.domain.record import record_document
from sync.protocol.schemas import RecordPush
from tests.sync.visits import finished_visit, signed


def record_body(live, task: str = "a1_petrol", party: str = "gas1", seed: int = 1, user: str = "s_a1",
                **visit_kw) -> dict:
    """Signed with `user`'s device key (world.keys), as the app sends it."""
    party_doc = {"id": live.world.parties[party], "name": party, "credit_code": live.world.codes[party],
                 "address": "a", "contact": "c", "scope": "gas_station"}
    v, _ = finished_visit(task_id=live.world.tasks[task], party=party_doc, product="车用汽油",
                          plan_item_id="2022-4-11", rng=random.Random(seed), **visit_kw)
    body = RecordPush(client_id=f"c-{v.id}", visit_id=v.id, task_id=v.task_id, record_hash=v.record_hash,
                      document=record_document(v), device_time=datetime.now(timezone.utc)).model_dump(mode="json")
    return signed(body, live.world.keys[user])


def rehash(body: dict, key=None) -> dict:
    """The same push with its record_hash recomputed (a consistent sender),
    and signed again with `key` when given."""
    try:
        body["record_hash"] = canonical_hash(body["document"])
    except (TypeError, ValueError):      # a float or NaN: the canonical form refuses it; keep the old hash
        return body
    return signed(body, key) if key is not None else body


def raw_json(body: dict, **replace: str) -> bytes:
    """JSON text with some values spliced in verbatim (NaN, lone surrogates,
    deep nesting: what json.dumps cannot or will not write). Each key of
    `replace` is a placeholder string put in `body` beforehand."""
    text = json.dumps(body, ensure_ascii=False)
    for placeholder, raw in replace.items():
        text = text.replace(json.dumps(placeholder), raw)
    return text.encode("utf-8", "surrogatepass")
