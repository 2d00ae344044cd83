"""HTTP routes beside Reflex's websocket: invoice downloads, only for their owner or an adviser; the
member's own data (« Télécharger mes données »).

The session cookie (SameSite=Strict) comes with the request; the domain decides. Anyone else gets a
plain 404, the same as for a file that does not exist.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal_app.domain import actors, invoice_preview, tokens
from portal_app.domain.claims_backoffice import open_claim_file
from portal_app.domain.errors import NotAllowed, NotFound
from portal_app.domain.personal_data import export_for_session, file_name
from portal_app.ui.request_origin import remember_request_origin
from portal_app.ui.session_cookie import SESSION_COOKIE


def _actor_of(request: Request) -> actors.Actor | None:
    """The actor behind the request's session cookie (None without a live session): runs in a thread."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    return actors.resolve_or_none(tokens.digest(secret)) if secret and len(secret) <= 200 else None


PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


async def claim_file(request: Request) -> Response:
    remember_request_origin(request)
    try:
        download = await asyncio.to_thread(lambda: open_claim_file(_actor_of(request), request.path_params["file_id"]))
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


async def claim_file_preview(request: Request) -> Response:
    """The first page of an invoice as a PNG drawn on the server, for the adviser's claim page."""
    remember_request_origin(request)
    try:
        png = await asyncio.to_thread(
            lambda: invoice_preview.preview(_actor_of(request), request.path_params["file_id"])
        )
    except NotFound:
        return Response(
            "Fichier introuvable.", status_code=404, media_type="text/plain; charset=utf-8", headers=PRIVATE_HEADERS
        )
    return Response(png, media_type="image/png", headers=PRIVATE_HEADERS)


async def personal_data(request: Request) -> Response:
    """The logged-in member's data as a JSON file; without a live member session, off to the login page."""
    remember_request_origin(request)
    try:
        data = await asyncio.to_thread(lambda: export_for_session(_actor_of(request)))
    except NotAllowed:
        return RedirectResponse(
            "/connexion?next=/mon-espace/compte", status_code=303, headers={"Cache-Control": "no-store"}
        )
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    disposition = f'attachment; filename="{file_name()}"'
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={**PRIVATE_HEADERS, "Content-Disposition": disposition},
    )


routes = Starlette(
    routes=[
        Route("/telechargement/justificatif/{file_id:int}", claim_file, methods=["GET"]),
        Route("/telechargement/apercu/{file_id:int}", claim_file_preview, methods=["GET"]),
        Route("/telechargement/mes-donnees", personal_data, methods=["GET"]),
    ]
)
