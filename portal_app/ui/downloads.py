"""HTTP routes beside Reflex's websocket: invoice downloads, only for their owner or an adviser.

The session cookie (SameSite=Strict) comes with the request; the domain decides. Anyone else gets a
plain 404, the same as for a file that does not exist.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_app.domain import audit
from portal_app.domain.claims_backoffice import open_claim_file
from portal_app.domain.errors import NotFound
from portal_app.ui.session_state import SESSION_COOKIE

PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


async def claim_file(request: Request) -> Response:
    audit.set_origin(request.client.host if request.client else "", request.headers.get("user-agent", ""))
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        download = await asyncio.to_thread(open_claim_file, token, request.path_params["file_id"])
    except NotFound:
        return Response(
            "Fichier introuvable.", status_code=404, media_type="text/plain; charset=utf-8", headers=PRIVATE_HEADERS
        )
    disposition = f"attachment; filename*=UTF-8''{quote(download.filename)}"
    return Response(
        download.content,
        media_type=download.content_type,
        headers={**PRIVATE_HEADERS, "Content-Disposition": disposition},
    )


routes = Starlette(routes=[Route("/telechargement/justificatif/{file_id:int}", claim_file, methods=["GET"])])
