"""Wire schemas shared by the client and the provincial server (pydantic v2).

Every successful JSON body carries ``ok: true`` and ``protocol``; a client
treats anything else (a captive portal's 200 HTML page, a proxy's error page)
as a transient failure, never as success. See sync/PROTOCOL.md.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sync.protocol.fields import PUBLIC_KEY_PATTERN, ClientId, Id, IsoDate, OptionalId, Seed, Text
from sync.protocol.fields import Sha256 as Sha256Text

from sync.protocol.roles import Role

PROTOCOL = "fs-sync/1"
SIGNATURE_PATTERN = r"^([A-Za-z0-9+/]{86}==)?$"     # base64 of a 64-byte Ed25519 signature, or none
SHA256_PATTERN = r"^[0-9a-f]{64}$"
Sha256 = str  # validated with SHA256_PATTERN where it arrives


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Ok(Wire):
    ok: Literal[True] = True
    protocol: str = PROTOCOL


class ProblemOut(Wire):
    """A rule the server found broken: stable code and params, plus the text
    in Chinese and English so the app can show it without its own catalog."""
    code: str
    field: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    zh: str = ""
    en: str = ""


class ErrorBody(Wire):
    ok: Literal[False] = False
    protocol: str = PROTOCOL
    error: ProblemOut
    problems: list[ProblemOut] = Field(default_factory=list)


# --- auth and devices --------------------------------------------------------


class UserOut(Wire):
    id: str
    username: str
    name: str
    role: Role
    agency_id: str | None = None
    team_id: str | None = None
    certificate_no: str = ""


class EnrollRequest(Wire):
    username: Text(64, 1)
    password: Text(256, 1)
    device_name: Text(100) = ""
    public_key: str = Field(pattern=PUBLIC_KEY_PATTERN, description="Ed25519 public key, 32 raw bytes, base64")
    # A laptop enrolled before signs in again with proof that it holds that
    # key (app.domain.signin_proof): guesses by others do not hold it out.
    proof_signed_at: AwareDatetime | None = None
    proof: str = Field(default="", pattern=SIGNATURE_PATTERN, description="Ed25519 signature, base64")


class EnrollResponse(Ok):
    device_id: str
    token: str
    user: UserOut
    server_time: datetime


class LoginRequest(Wire):
    username: Text(64, 1)
    password: Text(256, 1)


class LoginResponse(Ok):
    token: str
    expires_at: datetime
    user: UserOut


class MeResponse(Ok):
    user: UserOut
    device_id: str
    server_time: datetime


class DeviceOut(Wire):
    id: str
    user_id: str
    name: str
    kind: Literal["device", "session", "console"]   # console: a web console sign-in
    created_at: datetime
    revoked_at: datetime | None = None
    last_seen_at: datetime | None = None


class DeviceList(Ok):
    devices: list[DeviceOut]


class PublicKeyOut(Ok):
    device_id: str
    public_key: str
    revoked: bool


class KeyEntry(Wire):
    """One enrolled device in the registry a lab checks seal QR signatures
    against (`field-sampler verify-seal --keys FILE` reads this document)."""
    device_id: str
    name: str                      # who and which laptop, for the lab's report
    public_key: str                # Ed25519, base64 of the 32 raw bytes
    agency_id: str = ""
    enrolled_at: datetime
    revoked_at: datetime | None = None   # seals printed before this stay valid


class KeyRegistry(Ok):
    devices: list[KeyEntry]


# --- pull (server-owned data down) -------------------------------------------

class PlanItemOut(Wire):
    id: str
    seq: int
    category: str
    product: str
    batches: int
    scopes: list[str]
    sampled: int = 0             # finished records accepted by the server


class PlanOut(Wire):
    id: str
    title: str
    document_no: str = ""
    items: list[PlanItemOut] = Field(default_factory=list)


class AgencyOut(Wire):
    id: str
    name: str
    address: str = ""
    contact: str = ""
    phone: str = ""


class SamplerOut(Wire):
    id: str
    name: str
    certificate_no: str = ""
    agency_id: str = ""
    phone: str = ""


class PartyOut(Wire):
    id: str
    name: str
    credit_code: str = ""
    licence_no: str = ""
    production_licence_no: str = ""
    ccc_certificate_no: str = ""
    address: str = ""
    postcode: str = ""
    legal_representative: str = ""
    contact: str = ""
    phone: str = ""
    scale: str = ""
    scope: str = "seller"
    latitude: str = ""          # decimal degrees as text; "" = unknown
    longitude: str = ""


# no_sample: closed by a 未抽到样品 record; its plan slot is free for another party
TaskStatus = Literal["assigned", "in_progress", "done", "cancelled", "no_sample"]


class TaskOut(Wire):
    id: str
    plan_id: str
    plan_item_ids: list[str]
    party: PartyOut
    team: list[SamplerOut]
    agency_id: str
    team_id: str
    due_date: str = ""
    status: TaskStatus = "assigned"
    cancel_reason: str = ""
    source: str = ""
    kind: str = "监督抽查"  # i18n: recorded value (任务类别)
    notes: str = ""
    notice_no: str = ""      # 通知书编号; optional: an older server sends none, an older client ignores it
    updated_at: datetime


class TaskWithdrawal(Wire):
    """A task this team held and no longer does (改派: the province or the
    agency gave it to another team). The device keeps the task and any visit
    of it, marks it withdrawn with the reason, and starts no new visit."""
    task_id: str
    kind: Literal["reassigned"] = "reassigned"
    reason: str = ""
    at: datetime


class PullResponse(Ok):
    """`full`: a complete snapshot (replace local server-owned data, in one
    transaction); otherwise only what changed since the cursor sent.
    `withdrawn` (optional, added in fs-sync/1; older clients ignore it):
    tasks taken away from this team, also in a full refresh."""
    cursor: str
    full: bool
    server_time: datetime
    plans: list[PlanOut] = Field(default_factory=list)
    agencies: list[AgencyOut] = Field(default_factory=list)
    samplers: list[SamplerOut] = Field(default_factory=list)
    parties: list[PartyOut] = Field(default_factory=list)
    tasks: list[TaskOut] = Field(default_factory=list)
    sampling_rules: list[dict[str, Any]] = Field(default_factory=list)
    withdrawn: list[TaskWithdrawal] = Field(default_factory=list)


# --- push (sampler-owned records up) -----------------------------------------

class RecordPush(Wire):
    """A finished record (kind=record) or an amendment (kind=amendment).

    `document` is the canonical document as a JSON object; the server hashes
    canonical_bytes(document) and refuses it if that differs from
    `record_hash`. For an amendment, `record_hash` is the amendment's hash and
    the document holds prev_hash (chain)."""
    client_id: ClientId
    kind: Literal["record", "amendment"] = "record"
    visit_id: Id
    task_id: OptionalId = ""
    record_hash: str = Field(pattern=SHA256_PATTERN)
    document: dict[str, Any] = Field(description="RecordDocumentV1 or AmendmentDocument "
                                     "(sync/protocol/document.py), validated by the server")
    device_time: AwareDatetime       # the device clock when it sent this (with its zone)
    device_elapsed_s: float | None = Field(default=None, ge=0, le=1e10, allow_inf_nan=False)
    # monotonic seconds since the record was frozen
    # Ed25519 signature by the sending device's key over record_hash
    # (app.domain.record_signature), base64. Required; "" is refused with a reason.
    signature: str = Field(default="", pattern=SIGNATURE_PATTERN, description="Ed25519 signature, base64")


PushStatus = Literal["created", "duplicate", "conflict", "rejected"]


class PushResult(Ok):
    client_id: str
    status: PushStatus
    record_hash: str = ""
    received_at: datetime | None = None
    complete: bool = False           # every referenced photo verified on the server
    missing_photos: list[str] = Field(default_factory=list)
    problems: list[ProblemOut] = Field(default_factory=list)


class PushRefused(ErrorBody):
    """A push answered 409 (conflict) or 422 (rejected, or outside its
    schema): the error envelope (ok: false), with the push's own answer
    when a rule refused it."""
    client_id: str = ""
    status: PushStatus | None = None
    record_hash: str = ""
    received_at: datetime | None = None


class RecordStatus(Ok):
    client_id: str
    kind: Literal["record", "amendment"]
    record_hash: str
    received_at: datetime
    complete: bool
    missing_photos: list[str] = Field(default_factory=list)


# --- blobs (photos, signature images) ----------------------------------------

class MissingRequest(Wire):
    hashes: list[Sha256Text] = Field(max_length=2000)


class MissingResponse(Ok):
    missing: list[str]


class UploadState(Ok):
    """tus-style: the client asks the offset and continues from it."""
    sha256: str
    offset: int
    length: int | None = None
    complete: bool


# --- administration ----------------------------------------------------------

class TaskCreate(Wire):
    plan_item_id: Id
    party_id: Id
    team_id: Id
    due_date: IsoDate = ""
    notes: Text(2000) = ""


class TaskCancel(Wire):
    reason: Text(500, 1)


class TaskReassign(Wire):
    """改派: give the task to another team (of the same agency, for an agency admin)."""
    team_id: Id
    reason: Text(500, 1)


class DrawRequest(Wire):
    """双随机: draw parties (from the plan item's scopes) and a team at random."""
    plan_item_id: Id
    count: int = Field(ge=1, le=1000)
    due_date: IsoDate = ""
    seed: Seed | None = None


class TaskList(Ok):
    tasks: list[TaskOut]


class TaskReply(Ok, TaskOut):
    """One task created, cancelled or reassigned: its fields, in the envelope."""


class ProgressRow(Wire):
    plan_item_id: str
    seq: int
    product: str
    quota: int
    assigned: int
    sampled: int
    synced: int
    refused: int
    overdue: int
    no_sample: int = 0          # tasks closed as 未抽到样品 (their slots are free again)


class ProgressResponse(Ok):
    plan_id: str
    rows: list[ProgressRow]


class AuditEntryOut(Wire):
    id: int
    at: datetime
    actor: str
    device_id: str | None = None
    action: str
    target: str = ""
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditList(Ok):
    entries: list[AuditEntryOut]


class Health(Ok):
    server_time: datetime
    protocols: list[str] = Field(default_factory=lambda: [PROTOCOL])   # spoken by this server, oldest first


class ShipmentIn(Wire):
    """Samples sent to the lab by courier (寄送样品), recorded on the laptop
    after the visit. Sending it again corrects it until the lab receives."""
    visit_id: str = Field(min_length=1, max_length=64)
    courier: str = Field(min_length=1, max_length=100)
    tracking_no: str = Field(min_length=1, max_length=64)
    sent_on: str = Field(description="YYYY-MM-DD, China date")
    deadline: str = Field("", description="the date the samples must reach the lab by, YYYY-MM-DD or empty")


class ShipmentOut(Ok):
    visit_id: str
    created: bool
    received: bool = False
