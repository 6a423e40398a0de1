"""Devices: list, revoke (cuts the device off at its next request), public key."""
from __future__ import annotations

from fastapi import APIRouter, Request

from sync.protocol.schemas import DeviceList, DeviceOut, KeyRegistry, Ok, PublicKeyOut
from sync.server.auth.models import User
from sync.server.deps import Token, unit
from sync.server.devices import service
from sync.server.devices.models import Device
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import PathId

router = APIRouter(prefix="/v1/devices", tags=["devices"], responses=ERROR_RESPONSES)


def _out(d: Device) -> DeviceOut:
    return DeviceOut(id=d.id, user_id=d.user_id, name=d.name, kind=d.kind, created_at=d.created_at,
                     revoked_at=d.revoked_at, last_seen_at=d.last_seen_at)


@router.get("", response_model=DeviceList, summary="Devices the caller may manage")
def list_devices(request: Request, token: Token):
    with unit(request, token) as (session, p):
        return DeviceList(devices=[_out(d) for d in service.devices_visible(session=session, principal=p)])


@router.get("/keys", response_model=KeyRegistry,
            summary="Public keys of all enrolled devices (the lab's registry for checking seals)")
def keys(request: Request, token: Token):
    with unit(request, token, "lab", "agency_admin", "provincial_admin") as (session, p):
        agency = None if p.user.role == "provincial_admin" else (p.user.agency_id or None)
        if p.user.role == "agency_admin" and agency is None:
            raise ApiError(403, "auth.forbidden")
        return KeyRegistry(devices=service.key_registry(session=session, agency_id=agency))


@router.post("/{device_id}/revoke", response_model=Ok, summary="Revoke a device or session token")
def revoke(device_id: PathId, request: Request, token: Token):
    with unit(request, token) as (session, p):
        service.revoke(session=session, device_id=device_id, actor=p.actor, principal=p)
        return Ok()


@router.get("/{device_id}/public-key", response_model=PublicKeyOut,
            summary="A device's Ed25519 public key (the lab verifies seal QR signatures)")
def public_key(device_id: PathId, request: Request, token: Token):
    with unit(request, token, "lab", "agency_admin", "provincial_admin") as (session, p):
        d = session.get(Device, device_id)
        owner = session.get(User, d.user_id) if d else None
        if d is None or d.kind != "device" or (p.user.role != "provincial_admin" and p.user.agency_id
                                               and owner.agency_id != p.user.agency_id):
            raise ApiError(404, "not_found", what=device_id)
        return PublicKeyOut(device_id=d.id, public_key=d.public_key, revoked=d.revoked_at is not None)
