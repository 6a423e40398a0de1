"""Answer an app whose protocol version this server no longer supports with
a clear message, before any route runs (pure ASGI: no per-request cost
beyond reading one header).

The app names its protocol in the FS-Protocol header. No header (a browser,
curl, an app older than the header) is not checked. The health check and the
published release stay open to every app, so an old one can still learn
where the new version is."""
from __future__ import annotations

import json

from sync.protocol.enrollment import APP_VERSION_HEADER, PROTOCOL_HEADER, UPGRADE_STATUS
from sync.protocol.messages import problem
from sync.protocol.schemas import ErrorBody

OPEN_PATHS = ("/v1/health", "/v1/app/release")
_HEADER = PROTOCOL_HEADER.lower().encode("ascii")
_VERSION = APP_VERSION_HEADER.lower().encode("ascii")


class ProtocolCheck:
    def __init__(self, app, *, supported, release=lambda: None):
        """release(): (version, download_url) of the published app, or None."""
        self.app, self.supported, self.release = app, tuple(supported), release

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/v1/") or scope["path"] in OPEN_PATHS:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        wanted = headers.get(_HEADER)
        if wanted is None or wanted.decode("latin-1") in self.supported:
            return await self.app(scope, receive, send)
        import anyio.to_thread
        rel = await anyio.to_thread.run_sync(self._release)
        body = refusal(wanted.decode("latin-1"), headers.get(_VERSION, b"").decode("latin-1"), rel, self.supported)
        await send({"type": "http.response.start", "status": UPGRADE_STATUS,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode("ascii"))]})
        await send({"type": "http.response.body", "body": body})

    def _release(self):
        try:
            return self.release()
        except Exception:      # noqa: BLE001 - the refusal must go out even if the database is down
            return None


def refusal(protocol: str, app_version: str, release, supported) -> bytes:
    """The 426 body: which version to install and where, when one is published."""
    version, url = release or ("", "")
    if version:
        err = problem("client.upgrade_required", protocol=protocol, version=version, url=url)
    else:
        err = problem("client.protocol_unsupported", protocol=protocol)
    err.params["app_version"] = app_version
    err.params["supported"] = list(supported)
    return json.dumps(ErrorBody(error=err).model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
