"""fs-sync/2: the exchange, one request that carries a whole end-of-day sync.

`POST /v1/sync` takes, in one body: a pull (from a cursor), a batch of
records (each a `RecordPush`, checked and stored on its own), the question
"which of these photo hashes do you still need?" for the whole outbox, and
the state of records delivered earlier. The reply answers each part; every
record keeps its own idempotent result (created / duplicate / conflict /
rejected, with the status `POST /v1/records` would have answered).

fs-sync/2 is fs-sync/1 plus this exchange: every fs-sync/1 route stays as it
was and still answers `protocol: "fs-sync/1"`, so a laptop that speaks
fs-sync/1 keeps working against a new server. A client that speaks
fs-sync/2 asks a server that lacks the exchange (404) the fs-sync/1 way.
See sync/PROTOCOL.md, "Exchange"."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from sync.protocol.fields import ClientId, Text
from sync.protocol.fields import Sha256 as Sha256Text
from sync.protocol.schemas import PROTOCOL, Ok, ProblemOut, PullResponse, PushStatus, Wire

PROTOCOL_2 = "fs-sync/2"
PROTOCOLS = (PROTOCOL, PROTOCOL_2)      # what this code speaks, oldest first

KiB, MiB = 1024, 1024 * 1024
MAX_RECORDS = 50                 # records per exchange
RECORD_LIMIT = 1 * MiB           # one record, as POST /v1/records limits its body
BATCH_BYTES = 2 * MiB            # a client packs records up to this much JSON per exchange
MAX_NEED = 20_000                # hashes per need question (10,000 photos: ~670 KB of JSON)
MAX_STATUS = 2_000               # client ids per state question
# The exchange's body limit: a full batch, a full need question and a full
# state question, with room to spare (sync/server/bodylimit.py).
BODY_LIMIT = 4 * MiB


class ExchangeRequest(Wire):
    """Every part is optional; they are answered in this order: records (in
    order: an amendment after its record in the same batch finds it), need,
    status, pull (so the pull already counts this batch's records)."""
    protocol: Text(20, 1) = Field(description="The protocol the client speaks: fs-sync/2")
    pull: bool = False
    cursor: Text(100) | None = None
    records: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_RECORDS,
                                          description="RecordPush objects, each checked on its own: one outside "
                                                      "its schema is refused alone")
    need: list[Sha256Text] = Field(default_factory=list, max_length=MAX_NEED,
                                   description="Photo and signature hashes: which does the server still need?")
    status: list[ClientId] = Field(default_factory=list, max_length=MAX_STATUS,
                                   description="Client ids of records delivered earlier: their state")


RecordCode = Literal[200, 201, 409, 413, 422, 500]


class RecordOutcome(Wire):
    """One record's answer: what `POST /v1/records` would have answered
    (`code`), with its body. 500 (`status: "error"`): the server failed on
    this record only; nothing of it was stored; send it again later."""
    index: int                       # position in the request's records
    client_id: str = ""
    code: RecordCode
    status: PushStatus | Literal["error"]
    record_hash: str = ""
    received_at: datetime | None = None
    complete: bool = False
    missing_photos: list[str] = Field(default_factory=list)
    problems: list[ProblemOut] = Field(default_factory=list)


class RecordState(Wire):
    """`GET /v1/records/{client_id}` for one id; `found: false` is its 404."""
    client_id: str
    found: bool
    kind: Literal["record", "amendment"] | None = None
    record_hash: str = ""
    received_at: datetime | None = None
    complete: bool = False
    missing_photos: list[str] = Field(default_factory=list)


class ExchangeReply(Ok):
    protocol: str = PROTOCOL_2
    pull: PullResponse | None = None
    cursor_stale: bool = False       # the cursor was unknown or stale: `pull` is a full snapshot (fs-sync/1: 412)
    results: list[RecordOutcome] = Field(default_factory=list)
    need: list[str] = Field(default_factory=list)
    status: list[RecordState] = Field(default_factory=list)
