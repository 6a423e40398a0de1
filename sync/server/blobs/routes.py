"""Photos up, tus-style: ask the offset, PATCH from it, in chunks.

The body is kept as it arrives (the disk store appends it to the partial
file; the object store streams a chunk that is a part of the blob to the
store, or keeps a smaller one whole), so a cut costs at most one chunk.
Each device has a quota of open uploads (uploads.py). The blob counts only
after its SHA-256 matches its name, and only for the team whose device sent
those bytes (proof of possession): a team that does not hold a blob uploads
it in full even when the server has it from someone else, and every answer
(missing, offset, complete) is about the asking team's own uploads."""
from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from starlette.requests import ClientDisconnect

from sync.protocol.fields import MAX_INT
from sync.protocol.schemas import SHA256_PATTERN, ErrorBody, MissingRequest, MissingResponse, UploadState
from sync.server.auth import visibility
from sync.server.auth.permissions import Ctx, Perm, allow, principal_for
from sync.server.blobs import service, uploads
from sync.server.blobs.store import BlobBusy, OffsetMoved
from sync.server.devices.service import Principal
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import Sha256Convertor  # noqa: F401 - registers {sha256:sha256}
from sync.server.routing import api_router

router = api_router(prefix="/v1/blobs", tags=["blobs"], responses=ERROR_RESPONSES)
Sha = Path(pattern=SHA256_PATTERN)


def _register(request: Request, sha256: str, size: int, p: Principal, owner: str) -> None:
    """Register the verified blob and end the device's open upload of it in
    one transaction (gc.py relies on there being no moment with neither)."""
    with request.app.state.db.session() as session:
        service.register(session=session, sha256=sha256, size=size, principal=p)
        uploads.end(session=session, sha256=sha256, length=size, owner=owner)


def _begin(request: Request, sha256: str, length: int, owner: str, p: Principal) -> bool:
    """False if the team holds the blob already; else open (or touch) the
    device's upload of it, 429 over the quota. One transaction."""
    s = request.app.state.settings
    with request.app.state.db.session() as session:
        if service.held(session=session, team_id=p.user.team_id, hashes=[sha256]):
            return False
        device_id = p.device.id
        uploads.begin(session=session, sha256=sha256, length=length, owner=owner, device_id=device_id,
                      max_open=s.max_open_uploads, max_bytes=s.max_open_upload_bytes,
                      expiry_hours=s.upload_expiry_hours)
    return True


def _keep(f) -> None:
    """Store what arrived of a request that ended early; the client asks
    the offset next, so a refusal here changes nothing for it."""
    try:
        f.commit()
    except (BlobBusy, OffsetMoved):
        pass


def _end(request: Request, sha256: str, length: int, owner: str) -> None:
    with request.app.state.db.session() as session:
        uploads.end(session=session, sha256=sha256, length=length, owner=owner)


def _held(request: Request, sha256: str, p: Principal) -> bool:
    with request.app.state.db.session() as session:
        return bool(service.held(session=session, team_id=p.user.team_id, hashes=[sha256]))


@router.post("/missing", response_model=MissingResponse,
             summary="Which of these hashes the caller's team has not uploaded")
def missing(body: MissingRequest, ctx: Annotated[Ctx, allow(Perm.BLOB_UPLOAD)]):
    return MissingResponse(missing=service.missing(session=ctx.session, team_id=ctx.user.team_id,
                                                   hashes=body.hashes))


@router.get("/{sha256:sha256}/upload", response_model=UploadState, summary="Upload offset (resume from here)")
def upload_state(request: Request, ctx: Annotated[Ctx, allow(Perm.BLOB_UPLOAD)], sha256: str = Sha,
                 length: int | None = Query(None, ge=0, le=MAX_INT)):
    limit = request.app.state.settings.max_blob_bytes
    if length is not None and length > limit:
        raise ApiError(413, "blob.too_large", limit=limit)
    if service.held(session=ctx.session, team_id=ctx.user.team_id, hashes=[sha256]):
        return UploadState(sha256=sha256, offset=length or 0, length=length, complete=True)
    owner = service.owner_key(ctx.principal)
    offset = request.app.state.blobs.partial_size(sha256, length, owner) if length is not None else 0
    return UploadState(sha256=sha256, offset=offset, length=length, complete=False)


@router.patch("/{sha256:sha256}", response_model=UploadState,
              responses={409: {"model": ErrorBody, "description": "Offset differs: resume at the offset in the body"},
                         422: {"model": ErrorBody,
                               "description": "Complete, but the bytes do not hash to the name: start again"},
                         423: {"model": ErrorBody, "description": "Another upload of this blob is running"}},
              summary="Append a chunk at Upload-Offset (body: raw bytes)")
async def upload(request: Request, p: Annotated[Principal, principal_for(Perm.BLOB_UPLOAD)], sha256: str = Sha,
                 upload_offset: int = Header(alias="Upload-Offset", ge=0, le=MAX_INT),
                 upload_length: int = Header(alias="Upload-Length", ge=0, le=MAX_INT)):
    store, limit = request.app.state.blobs, request.app.state.settings.max_blob_bytes
    if upload_length > limit:
        raise ApiError(413, "blob.too_large", limit=limit)
    owner = service.owner_key(p)
    if not await run_in_threadpool(_begin, request, sha256, upload_length, owner, p):   # 429 over the quota
        # the team has sent these bytes already
        return UploadState(sha256=sha256, offset=upload_length, length=upload_length, complete=True)
    try:
        f = await run_in_threadpool(store.open_append, sha256, upload_length, owner)  # disk: locked across processes
    except BlobBusy:
        raise ApiError(423, "blob.busy", headers={"Retry-After": "1"}) from None
    try:
        if await run_in_threadpool(_held, request, sha256, p):  # by the upload that held the lock before us
            return UploadState(sha256=sha256, offset=upload_length, length=upload_length, complete=True)
        size = f.size()
        if size != upload_offset:
            raise ApiError(409, "blob.offset_mismatch", headers={"Upload-Offset": str(size)}, offset=size)
        declared = request.headers.get("content-length")
        await run_in_threadpool(f.expect, int(declared) if declared and declared.isdigit() else None)
        try:
            async for piece in request.stream():
                if size + len(piece) > upload_length:
                    f.truncate(size)
                    await run_in_threadpool(_keep, f)
                    raise ApiError(400, "blob.length")
                await f.awrite(piece)
                size += len(piece)
        except ClientDisconnect:
            await run_in_threadpool(_keep, f)          # what got through is kept
            return UploadState(sha256=sha256, offset=f.size(), length=upload_length, complete=False)
        try:
            if size == upload_length:
                if not await run_in_threadpool(f.finish):
                    await run_in_threadpool(_end, request, sha256, upload_length, owner)
                    raise ApiError(422, "blob.hash_mismatch")
                await run_in_threadpool(_register, request, sha256, upload_length, p, owner)
            else:
                await run_in_threadpool(f.commit)
        except OffsetMoved as moved:                    # another request stored this offset first
            raise ApiError(409, "blob.offset_mismatch", headers={"Upload-Offset": str(moved.offset)},
                           offset=moved.offset) from None
        except BlobBusy:
            raise ApiError(423, "blob.busy", headers={"Retry-After": "1"}) from None
    finally:
        await run_in_threadpool(f.__exit__, None, None, None)
    return UploadState(sha256=sha256, offset=size, length=upload_length, complete=size == upload_length)


@router.get("/{sha256:sha256}", response_class=FileResponse, summary="Download a verified blob",
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(request: Request, ctx: Annotated[Ctx, allow(Perm.BLOB_READ)], sha256: str = Sha):
    store = request.app.state.blobs
    size = store.size(sha256) if visibility.may_read_blob(ctx.session, ctx.principal, sha256) else None
    if size is None:
        raise ApiError(404, "blob.not_found")
    path = store.local_path(sha256)
    if path is not None:
        return FileResponse(path, media_type="application/octet-stream")
    return StreamingResponse(store.iter_bytes(sha256), media_type="application/octet-stream",
                             headers={"Content-Length": str(size)})
