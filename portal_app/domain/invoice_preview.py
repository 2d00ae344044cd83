"""What an adviser sees of an invoice on the claim page: its first page as a picture drawn on the server.

The file itself never runs in the adviser's browser (no PDF viewer, no scripts or forms a PDF may carry):
pdfium renders the first page of a PDF, Pillow redraws a photo, and the page gets a plain PNG of at most
PREVIEW_WIDTH pixels. Each preview is audited like a download: it shows the same health data.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image, ImageOps

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, Claim, ClaimFile
from portal_app.domain import actors, audit, file_store
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotFound

PREVIEW_WIDTH = 900
PREVIEW_MAX_HEIGHT = 1800


def _png(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PREVIEW_WIDTH, PREVIEW_MAX_HEIGHT))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render(content: bytes, content_type: str) -> bytes:
    """A PNG of the first page (PDF) or of the photo (JPEG, PNG)."""
    if content_type == "application/pdf":
        document = pdfium.PdfDocument(content)
        try:
            page = document[0]
            width = page.get_width() or PREVIEW_WIDTH
            bitmap = page.render(scale=min(3.0, PREVIEW_WIDTH / width))
            return _png(bitmap.to_pil())
        finally:
            document.close()
    with Image.open(io.BytesIO(content)) as image:
        return _png(image)


def preview(actor: Actor | None, file_id: int) -> bytes:
    """Advisers only (a member downloads their own files); anyone else, or an unknown id, NotFound."""
    if not isinstance(actor, actors.Adviser):
        raise NotFound()
    with session_scope() as session:
        stored = get_by_id(session, ClaimFile, file_id)
        if stored is None:
            raise NotFound()
        claim = session.get(Claim, stored.claim_id)
        audit.record(
            session,
            "claim_file_previewed",
            session.get(Account, actor.account_id),
            target_type="claim_file",
            target_id=stored.id,
            member_account_id=claim.account_id,
            contract_id=claim.contract_id,
            detail=claim.reference,
        )
        content, content_type = file_store.decrypt(stored.key_id, stored.ciphertext), stored.content_type
    return render(content, content_type)
