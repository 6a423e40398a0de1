"""Photos up, tus-style: ask the offset, PATCH from it, in chunks.

The body is streamed to the partial file as it arrives, so a cut keeps what
got through and the client re-sends less than one chunk. The blob counts only
after its SHA-256 matches its name, and only for the team whose device sent
those bytes (proof of possession): a team that does not hold a blob uploads
it in full even when the server has it from someone else, and every answer
(missing, offset, complete) is about the asking team's own uploads."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.requests import ClientDisconnect

from sync.protocol.fields import MAX_INT
from sync.protocol.schemas import SHA256_PATTERN, ErrorBody, MissingRequest, MissingResponse, UploadState
from sync.server.auth import visibility
from sync.server.auth.permissions import Ctx, Perm, allow, principal_for
from sync.server.blobs import service
from sync.server.blobs.store import BlobBusy
from sync.server.devices.service import Principal
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import Sha256Convertor  # noqa: F401 - registers {sha256:sha256}

router = APIRouter(prefix="/v1/blobs", tags=["blobs"], responses=ERROR_RESPONSES)
Sha = Path(pattern=SHA256_PATTERN)


def _register(request: Request, sha256: str, size: int, p: Principal) -> None:
    with request.app.state.db.session() as session:
        service.register(session=session, sha256=sha256, size=size, principal=p)


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
    if await run_in_threadpool(_held, request, sha256, p):      # the team has sent these bytes already
        return UploadState(sha256=sha256, offset=upload_length, length=upload_length, complete=True)
    owner = service.owner_key(p)
    try:
        f = store.open_append(sha256, upload_length, owner)    # locked across worker processes
    except BlobBusy:
        raise ApiError(423, "blob.busy", headers={"Retry-After": "1"}) from None
    with f:
        if await run_in_threadpool(_held, request, sha256, p):  # by the upload that held the lock before us
            return UploadState(sha256=sha256, offset=upload_length, length=upload_length, complete=True)
        size = f.size()
        if size != upload_offset:
            raise ApiError(409, "blob.offset_mismatch", headers={"Upload-Offset": str(size)}, offset=size)
        try:
            async for piece in request.stream():
                if size + len(piece) > upload_length:
                    f.truncate(size)
                    raise ApiError(400, "blob.length")
                f.write(piece)
                size += len(piece)
        except ClientDisconnect:
            return UploadState(sha256=sha256, offset=size, length=upload_length, complete=False)
        if size == upload_length:
            if not await run_in_threadpool(f.finish):
                raise ApiError(422, "blob.hash_mismatch")
            await run_in_threadpool(_register, request, sha256, upload_length, p)
    return UploadState(sha256=sha256, offset=size, length=upload_length, complete=size == upload_length)


@router.get("/{sha256:sha256}", response_class=FileResponse, summary="Download a verified blob",
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(request: Request, ctx: Annotated[Ctx, allow(Perm.BLOB_READ)], sha256: str = Sha):
    if not visibility.may_read_blob(ctx.session, ctx.principal, sha256) or not request.app.state.blobs.has(sha256):
        raise ApiError(404, "blob.not_found")
    return FileResponse(request.app.state.blobs.path(sha256), media_type="application/octet-stream")
