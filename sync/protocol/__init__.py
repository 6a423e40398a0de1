"""Wire schemas shared by sync.client and sync.server (see sync/PROTOCOL.md)."""
from sync.protocol.schemas import PROTOCOL  # noqa: F401
