"""Publishing the app release samplers should run, and the protocol check.

The app only reads this: it shows a quiet notice when a newer version is
published and never downloads or installs anything by itself."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.enrollment import AppReleaseOut
from sync.protocol.versions import version_key
from sync.server.audit import service as audit
from sync.server.errors import ApiError
from sync.server.releases.models import AppRelease


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(422, "release.bad_url", url=url)
    return url


def publish(*, session: Session, version: str, download_url: str, notes: str = "", actor: str) -> AppRelease:
    if not version_key(version):
        raise ApiError(422, "release.bad_version", version=version)
    row = AppRelease(version=version.strip(), download_url=_check_url(download_url), notes=notes.strip(),
                     published_by=actor)
    session.add(row)
    session.flush()
    audit.log(session=session, actor=actor, action="release.publish", target=row.version,
              detail={"download_url": row.download_url})
    return row


def current(*, session: Session) -> AppRelease | None:
    return session.scalar(select(AppRelease).order_by(AppRelease.id.desc()).limit(1))


def release_out(row: AppRelease | None, protocols) -> AppReleaseOut:
    if row is None:
        return AppReleaseOut(protocols=list(protocols))
    return AppReleaseOut(version=row.version, download_url=row.download_url, notes=row.notes,
                         published_at=row.published_at, protocols=list(protocols))
