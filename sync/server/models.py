"""Imports every table so Base.metadata is complete (Alembic, tests)."""
from sync.server.audit.models import AuditEntry  # noqa: F401
from sync.server.auth.models import Agency, Team, User  # noqa: F401
from sync.server.blobs.models import Blob, BlobHolder, BlobUpload, ServerState  # noqa: F401
from sync.server.devices.models import Device  # noqa: F401
from sync.server.enrollment.models import EnrollmentCode  # noqa: F401
from sync.server.followups.models import FollowUp, FollowUpFile  # noqa: F401
from sync.server.lab.models import (Advice, BlindSample, CustodyEvent, Delivery, Disposal, FailedItem,  # noqa: F401
                                    LabPhoto, LabSample, Shipment)
from sync.server.parties.models import Party  # noqa: F401
from sync.server.plan.models import Plan, PlanItem, SamplingRuleRow  # noqa: F401
from sync.server.pull.models import Change  # noqa: F401
from sync.server.records.models import AmendmentRecord, Record, RecordPhoto  # noqa: F401
from sync.server.releases.models import AppRelease  # noqa: F401
from sync.server.tasks.models import Draw, Task, TaskMove  # noqa: F401
from sync.server.db import Base  # noqa: F401
