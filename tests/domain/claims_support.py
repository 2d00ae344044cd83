"""Builders for the reimbursement tests: real invoice files, an assistance file granting euros, a claim form.

The files are real: a PDF with a correct cross-reference table, a PNG with its CRCs and a baseline JPEG
(8×8, grey) that browsers decode. They are built here, byte by byte, so that no test depends on a
sample lying on the machine.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from dataclasses import replace

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Beneficiary, Claim, ClaimFile, Entitlement
from portal_app.domain import assistance_files, claims
from portal_app.domain.assistance_files import EntitlementInput
from portal_app.domain.claims import ClaimInput
from portal_app.domain.uploads import Upload

from .advisers_support import Adviser, contract_id, relogin_adviser  # noqa: F401 (relogin_adviser: used by the claims tests)
from .support import ContractSpec, Member, login

# A valid French IBAN (the usual example of French banks) and the same with wrong check digits.
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
VALID_IBAN_COMPACT = "FR7630006000011234567890189"
WRONG_CHECKSUM_IBAN = "FR77 3000 6000 0112 3456 7890 189"

# The FAQ's sentence on quotes, typed here rather than imported (typography corrected: « », « quelle que »).
FAQ_QUOTES = (
    "Ce service « Demande de remboursement » ne prend pas en charge la gestion des devis quelle que soit la nature "
    "de ceux-ci. Vous devez réaliser ces demandes directement sur votre espace personnel de mutuelle ou d'assurance."
)

# The 68 bytes of the EICAR anti-virus test file (harmless; every scanner knows it).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

MB = 1024 * 1024

# The entitlement every test claims against unless told otherwise: home help, 2 000 € from March to June.
PERIOD_START = "2026-03-01"
PERIOD_END = "2026-06-30"


# --- files ----------------------------------------------------------------------------------------


def pdf(text: str = "Facture 2026-0042 : aide ménagère", padding: int = 0, extra: bytes = b"") -> bytes:
    """A one-page PDF showing `text`; `padding` bytes of filler (a comment stream) make it as large as needed."""
    content = b"BT /F1 12 Tf 20 100 Td (" + text.encode("latin-1") + b") Tj ET\n" + extra
    filler = b"%" + b"0" * max(padding - 1, 0) if padding else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (the filler's length shows in the file: adjust until it fits)."""
    padding = size - len(pdf())
    content = pdf(padding=padding)
    while len(content) != size:
        padding += size - len(content)
        content = pdf(padding=padding)
    return content


def png(width: int = 2, height: int = 2) -> bytes:
    """An orange RGB picture, 8 bits per channel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + b"\xff\x80\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A baseline JPEG, 8×8 mid-grey: one block whose DC and AC coefficients are all zero.

    Tables: quantisation all ones; one Huffman code « 0 » meaning « DC difference of size 0 » and one
    meaning « end of block »; the scan is therefore the bits 00, padded with ones.
    """

    def segment(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1, for symbol 0
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code)
        + segment(0xC4, b"\x10" + one_code)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"
        + b"\xff\xd9"
    )


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert('facture')</script>Facture</body></html>\n"


def invoice(name: str = "facture.pdf", content: bytes | None = None) -> Upload:
    return Upload(name, pdf() if content is None else content)


# --- an assistance file granting euros ------------------------------------------------------------


def relogin(member: Member) -> Member:
    """Sessions end after 30 idle minutes: a test that moves the clock further logs in again."""
    return Member(member.contract, member.email, member.password, login(member.email))


def open_file(adviser: Adviser, contract: ContractSpec, *entitlements: EntitlementInput) -> str:
    """An assistance file for the contract's first child; by default home help, 2 000 € from March to June."""
    cid = contract_id(contract.number)
    child = next(p[2] for p in contract.people if p[0] == "enfant")
    with session_scope() as session:
        beneficiary = session.exec(
            select(Beneficiary.id).where(Beneficiary.contract_id == cid, Beneficiary.first_name == child)
        ).one()
    granted = list(entitlements) or [home_help()]
    return assistance_files.open_file(adviser.token, cid, beneficiary, "hospitalisation", "2026-03-01", granted)


def home_help(amount: str = "2 000", start: str = PERIOD_START, end: str = PERIOD_END) -> EntitlementInput:
    return EntitlementInput("aide_menagere", amount, "euros", start, end)


def entitlement_of(file_reference: str, service: str = "aide_menagere") -> Entitlement:
    from portal_app.db.models import AssistanceFile

    with session_scope() as session:
        return session.exec(
            select(Entitlement)
            .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
            .where(AssistanceFile.reference == file_reference, Entitlement.service == service)
        ).one()


def set_used(entitlement_id: int, cents: int) -> None:
    """What other claims already consumed (as accepted claims would have)."""
    with session_scope() as session:
        entitlement = session.get(Entitlement, entitlement_id)
        entitlement.used = cents
        session.add(entitlement)


def used_of(entitlement_id: int) -> int:
    with session_scope() as session:
        return session.get(Entitlement, entitlement_id).used


# --- the claim form -------------------------------------------------------------------------------


def new_key() -> str:
    """The form's one-time submission key, as the page makes it."""
    return secrets.token_urlsafe(24)


def claim_input(entitlement_id: int, **changes) -> ClaimInput:
    """A good claim: 150 € of home help in early March, a valid IBAN, an invoice, certified."""
    data = ClaimInput(
        entitlement_id=entitlement_id,
        date_from="2026-03-02",
        date_to="2026-03-06",
        provider="Services à domicile du Marais",
        amount="150,00",
        iban=VALID_IBAN,
        document_kind="facture",
        certified=True,
        submission_key=new_key(),
    )
    return replace(data, **changes)


def submit(member: Member, entitlement_id: int, files: list[Upload] | None = None, **changes) -> str:
    return claims.submit_claim(member.token, claim_input(entitlement_id, **changes), files or [invoice()])


def claim_row(reference: str) -> Claim:
    with session_scope() as session:
        return session.exec(select(Claim).where(Claim.reference == reference)).one()


def files_of(reference: str) -> list[ClaimFile]:
    with session_scope() as session:
        claim = session.exec(select(Claim).where(Claim.reference == reference)).one()
        return list(session.exec(select(ClaimFile).where(ClaimFile.claim_id == claim.id).order_by(ClaimFile.id)))
