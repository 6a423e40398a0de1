"""Devices per user, with last sync time and app version; revoking one (a
lost laptop) after a confirmation: its next API call is refused."""
from __future__ import annotations

from fastapi import APIRouter, Request

from sync.server.auth.models import User
from sync.server.console.access import Admin, AdminForm, agency_scope, ensure_visible
from sync.server.console.web import redirect, render, text
from sync.server.db import utcnow
from sync.server.deps import tx
from sync.server.devices import listing
from sync.server.devices import service as devices
from sync.server.devices.models import Device

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/devices")
def device_list(request: Request, user: Admin, user_id: str = "", sessions: int = 0):
    # ?user= filters by user id (links from the people page and the dashboard)
    user_id = request.query_params.get("user", user_id)
    kinds = ("device", "session", "console") if sessions else ("device",)
    with tx(request) as session:
        owner = ensure_visible(user, session.get(User, user_id)) if user_id else None
        rows = listing.devices(session=session, agency_id=agency_scope(user), kinds=kinds, user_id=user_id or None)
    return render(request, "devices.html", user, rows=rows, owner=owner, sessions=sessions, now=utcnow())


def _visible_device(session, user, device_id: str) -> tuple[Device, User]:
    device = session.get(Device, device_id)
    owner = session.get(User, device.user_id) if device else None
    ensure_visible(user, device, owner.agency_id if owner else None)
    ensure_visible(user, owner)
    return device, owner


@router.get("/devices/{device_id}/revoke")
def revoke_confirm(request: Request, user: Admin, device_id: str):
    with tx(request) as session:
        device, owner = _visible_device(session, user, device_id)
    return render(request, "revoke.html", user, device=device, owner=owner)


@router.post("/devices/{device_id}/revoke")
def revoke(request: Request, user: Admin, form: AdminForm, device_id: str):
    with tx(request) as session:
        device, _owner = _visible_device(session, user, device_id)
        devices.revoke(session=session, device_id=device.id, actor=user.username)
        name = device.name or device.id
    return redirect(request, "/console/devices", flash=text(request, "dev.revoked_ok", name=name))
