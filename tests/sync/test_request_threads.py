"""Many requests at one instant against a real server: every one is
answered. A request must never hold a pooled database connection while it
waits for one of the few request threads (app.py: 4), or the threads, busy
authenticating the next requests, wait for a connection that the waiting
requests hold: the worker stalls until the pool's 30 s timeout and answers
500s (seen with the 300-laptop bench on PostgreSQL)."""
from __future__ import annotations

import asyncio

import httpx

# More than the pool lets out at once (SQLite 5 + 10 overflow, PostgreSQL
# 20 + 30), all arriving before the first is answered.
AT_ONCE = 150


async def _all_at_once(url: str, token: str) -> list[int]:
    limits = httpx.Limits(max_connections=AT_ONCE, max_keepalive_connections=AT_ONCE)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        replies = await asyncio.gather(*[client.get("/v1/tasks") for _ in range(AT_ONCE)],
                                       return_exceptions=True)
    return [r.status_code if isinstance(r, httpx.Response) else repr(r) for r in replies]


def test_a_burst_beyond_the_pool_is_answered_in_full(live):
    statuses = asyncio.run(_all_at_once(live.url, live.world.tokens["s_a1"]))
    assert statuses == [200] * AT_ONCE, {s: statuses.count(s) for s in set(statuses)}
