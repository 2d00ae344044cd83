"""A ceiling on Reflex's /_upload endpoint, which otherwise spools any request body to disk before a
handler can look at it. The handlers still check each file (10 Mo) and the total (20 Mo); this only
stops a hostile client from filling the disk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from portal_app.domain.uploads import MAX_TOTAL_BYTES

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]

# The files' limit plus room for the multipart envelope and a file over the per-file limit to be
# reported by name rather than cut off.
MAX_UPLOAD_REQUEST_BYTES = MAX_TOTAL_BYTES + 12 * 1024 * 1024


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def limit_uploads(app: ASGIApp) -> ASGIApp:
    async def guarded(scope: Scope, receive, send) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).startswith("/_upload"):
            await app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is None or not length.isdigit():
            await _refuse(send, 411, "Longueur de la requête requise.")
            return
        if int(length) > MAX_UPLOAD_REQUEST_BYTES:
            await _refuse(send, 413, "Fichiers trop volumineux : 20 Mo au plus au total.")
            return
        received = 0

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_UPLOAD_REQUEST_BYTES:
                raise ValueError("upload body larger than announced")
            return message

        await app(scope, counted_receive, send)

    return guarded
