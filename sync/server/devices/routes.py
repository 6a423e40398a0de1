"""Devices: list, revoke (cuts the device off at its next request), public key."""
from __future__ import annotations

from typing import Annotated

from sync.protocol.schemas import DeviceList, DeviceOut, KeyRegistry, Ok, PublicKeyOut
from sync.server.auth import visibility
from sync.server.auth.models import User
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.devices import service
from sync.server.devices.models import Device
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import PathId
from sync.server.routing import api_router

router = api_router(prefix="/v1/devices", tags=["devices"], responses=ERROR_RESPONSES)


def _out(d: Device) -> DeviceOut:
    return DeviceOut(id=d.id, user_id=d.user_id, name=d.name, kind=d.kind, created_at=d.created_at,
                     revoked_at=d.revoked_at, last_seen_at=d.last_seen_at)


def _device_and_owner(ctx: Ctx, device_id: str) -> tuple[Device | None, User | None]:
    d = ctx.session.get(Device, device_id)
    return d, (ctx.session.get(User, d.user_id) if d else None)


@router.get("", response_model=DeviceList, summary="Devices the caller may manage")
def list_devices(ctx: Annotated[Ctx, allow(Perm.DEVICES_LIST)]):
    devices = service.devices_of(session=ctx.session, where=visibility.device_owner_filter(ctx.principal))
    return DeviceList(devices=[_out(d) for d in devices])


@router.get("/keys", response_model=KeyRegistry,
            summary="Public keys of enrolled devices (the lab's registry for checking seals)")
def keys(ctx: Annotated[Ctx, allow(Perm.DEVICE_KEYS)]):
    return KeyRegistry(devices=service.key_registry(session=ctx.session,
                                                    agency_id=visibility.key_scope(ctx.principal)))


@router.post("/{device_id}/revoke", response_model=Ok, summary="Revoke a device or session token")
def revoke(device_id: PathId, ctx: Annotated[Ctx, allow(Perm.DEVICE_REVOKE)]):
    _, owner = _device_and_owner(ctx, device_id)
    if not visibility.may_manage_device(ctx.session, ctx.principal, owner):
        raise ApiError(404, "not_found", what=device_id)
    service.revoke(session=ctx.session, device_id=device_id, actor=ctx.actor)
    return Ok()


@router.get("/{device_id}/public-key", response_model=PublicKeyOut,
            summary="A device's Ed25519 public key (the lab verifies seal QR signatures)")
def public_key(device_id: PathId, ctx: Annotated[Ctx, allow(Perm.DEVICE_KEYS)]):
    d, owner = _device_and_owner(ctx, device_id)
    if not visibility.may_read_key(ctx.principal, d, owner):
        raise ApiError(404, "not_found", what=device_id)
    return PublicKeyOut(device_id=d.id, public_key=d.public_key, revoked=d.revoked_at is not None)
