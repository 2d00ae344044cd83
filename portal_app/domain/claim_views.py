"""How a claim is shown: its summary, files and timeline (the adviser's wording), shared by the member's and
the adviser's pages; the member's page adds the progress line and history of domain.claim_progress.

No access check here: callers (domain.claims for the member, domain.claims_backoffice for advisers) have
already decided whose claim it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from portal_app.db.models import AssistanceFile, Claim, ClaimEvent, ClaimFile
from portal_app.db.vocabulary import ClaimStatus
from portal_app.domain import claim_progress
from portal_app.domain.formatting import day_date, paris_datetime
from portal_app.domain.offers import service_label
from portal_app.domain.quantities import format_quantity
from portal_app.domain.secret_box import open_sealed
from portal_app.domain.uploads import size_text

STATUS_LABELS = {
    ClaimStatus.SUBMITTED: "déposée",
    ClaimStatus.IN_PROGRESS: "en cours",
    ClaimStatus.DOCUMENTS_REQUESTED: "pièces demandées",
    ClaimStatus.ACCEPTED: "acceptée",
    ClaimStatus.REFUSED: "refusée",
    ClaimStatus.PAID: "payée",
}
_IBAN_PURPOSE = "claim-iban"


def mask_iban(compact: str) -> str:
    return f"{compact[:4]} •••• •••• •••• {compact[-4:]}"


@dataclass(frozen=True)
class FileView:
    file_id: int
    filename: str
    size: str


@dataclass(frozen=True)
class EventView:
    when: str
    status: str
    message: str


@dataclass(frozen=True)
class ClaimView:
    reference: str
    service: str
    file_reference: str
    dates: str
    provider: str
    amount: str
    accepted_amount: str
    iban: str
    status: str
    status_label: str
    submitted: str
    member: str = ""
    member_email: str = ""
    files: list[FileView] = field(default_factory=list)
    timeline: list[EventView] = field(default_factory=list)  # the adviser's wording
    # The member's page only (member_claim): the progress line, the history in the member's words, and the
    # adviser's request while documents are asked for.
    progress: list[claim_progress.ProgressStep] = field(default_factory=list)
    history: list[claim_progress.HistoryLine] = field(default_factory=list)
    documents_request: str = ""


def claim_view(session: Session, claim: Claim, with_details: bool = True) -> ClaimView:
    assistance_file = session.get(AssistanceFile, claim.assistance_file_id)
    dates = day_date(claim.service_date_from)
    if claim.service_date_to != claim.service_date_from:
        dates = f"du {dates} au {day_date(claim.service_date_to)}"
    files, timeline = [], []
    if with_details:
        files = [
            FileView(f.id, f.filename, size_text(f.size_bytes))
            for f in session.exec(select(ClaimFile).where(ClaimFile.claim_id == claim.id).order_by(ClaimFile.id))
        ]
        timeline = [
            EventView(paris_datetime(e.created_at), STATUS_LABELS[e.status], e.message)
            for e in session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id))
        ]
    return ClaimView(
        reference=claim.reference,
        service=service_label(claim.service),
        file_reference=assistance_file.reference,
        dates=dates,
        provider=claim.provider,
        amount=format_quantity(claim.amount_cents, "euros"),
        accepted_amount=format_quantity(claim.accepted_amount_cents, "euros") if claim.accepted_amount_cents else "",
        iban=mask_iban(open_sealed(claim.iban_encrypted, _IBAN_PURPOSE)),
        status=claim.status,
        status_label=STATUS_LABELS[claim.status],
        submitted=paris_datetime(claim.created_at),
        files=files,
        timeline=timeline,
    )
