"""A claim as the member follows it: the progress line with the usual delay of each step, and the history in
the member's own words (« Vous avez ajouté 1 document »), not the adviser's.

The delays are the platform's commitments written down once here, so the page, the e-mails and the FAQ say
the same thing; change them here only with the platform's agreement. The adviser's page keeps its own
wording of the timeline (domain.claims.claim_view).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal_app.db.models import Claim, ClaimEvent
from portal_app.db.vocabulary import ClaimStatus
from portal_app.domain.formatting import counted, paris_datetime
from portal_app.domain.quantities import format_quantity

# The usual delays (the platform's commitments to members).
REVIEW_WORKING_DAYS = 5  # a claim filed (or completed with the documents asked for) is examined within this
DECISION_WORKING_DAYS = 10  # a decision (accepted or refused) within this, from the filing
PAYMENT_DAYS = 10  # the transfer is made within this many days after the acceptance

STEP_LABELS = {
    ClaimStatus.SUBMITTED: "Déposée",
    ClaimStatus.IN_PROGRESS: "En cours d'examen",
    ClaimStatus.DOCUMENTS_REQUESTED: "Pièces demandées",
    ClaimStatus.ACCEPTED: "Acceptée",
    ClaimStatus.REFUSED: "Refusée",
    ClaimStatus.PAID: "Payée",
}
STEP_DELAYS = {
    ClaimStatus.SUBMITTED: "",
    ClaimStatus.IN_PROGRESS: f"examen sous {REVIEW_WORKING_DAYS} jours ouvrés après le dépôt",
    ClaimStatus.DOCUMENTS_REQUESTED: f"examen repris sous {REVIEW_WORKING_DAYS} jours ouvrés après l'envoi de vos pièces",
    ClaimStatus.ACCEPTED: f"décision sous {DECISION_WORKING_DAYS} jours ouvrés après le dépôt",
    ClaimStatus.REFUSED: "",
    ClaimStatus.PAID: f"paiement sous {PAYMENT_DAYS} jours après l'acceptation",
}
_USUAL_PATH = (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS, ClaimStatus.ACCEPTED, ClaimStatus.PAID)


@dataclass(frozen=True)
class ProgressStep:
    """One step of the progress line: `state` is done, current (aria-current="step") or todo."""

    label: str
    delay: str
    state: str


@dataclass(frozen=True)
class HistoryLine:
    when: str
    text: str
    message: str  # the adviser's own words, when there are some beyond `text`


def _path(status: str) -> tuple[str, ...]:
    """The steps shown for a claim in `status`: the usual path, with « Pièces demandées » or « Refusée » when
    the claim took that turn (a refusal ends the line)."""
    if status == ClaimStatus.DOCUMENTS_REQUESTED:
        return (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS, ClaimStatus.DOCUMENTS_REQUESTED, *_USUAL_PATH[2:])
    if status == ClaimStatus.REFUSED:
        return (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS, ClaimStatus.REFUSED)
    return _USUAL_PATH


def progress(status: str) -> list[ProgressStep]:
    """The progress line of a claim in `status`, the current step marked."""
    path = _path(status)
    current = path.index(status)
    return [
        ProgressStep(
            STEP_LABELS[step],
            STEP_DELAYS[step],
            "done" if index < current else "current" if index == current else "todo",
        )
        for index, step in enumerate(path)
    ]


_COUNT = re.compile(r"^(\d+) ")


def _event_text(claim: Claim, event: ClaimEvent) -> tuple[str, str]:
    """(what happened in the member's words, the adviser's message still to show after it)."""
    message = event.message or ""
    if event.status == ClaimStatus.SUBMITTED:
        return "Vous avez déposé la demande.", ""
    if event.status == ClaimStatus.IN_PROGRESS and event.author_account_id == claim.account_id:
        found = _COUNT.match(message)  # « 2 pièces ajoutées par l'adhérent » (domain.claims.add_documents)
        added = counted(int(found.group(1)), "document") if found else "des documents"
        return f"Vous avez ajouté {added}.", ""
    if event.status == ClaimStatus.IN_PROGRESS:
        return "Un conseiller examine votre demande.", message
    if event.status == ClaimStatus.DOCUMENTS_REQUESTED:
        return f"Un conseiller a demandé des pièces : {message}", ""
    if event.status == ClaimStatus.ACCEPTED:
        amount = format_quantity(claim.accepted_amount_cents or claim.amount_cents, "euros")
        return f"Demande acceptée pour {amount}.", message
    if event.status == ClaimStatus.REFUSED:
        return f"Demande refusée : {message}", ""
    amount = format_quantity(claim.accepted_amount_cents or claim.amount_cents, "euros")
    return f"Remboursement de {amount} versé sur le compte se terminant par {claim.iban_last4}.", message


def history(claim: Claim, events: list[ClaimEvent]) -> list[HistoryLine]:
    """The claim's timeline in the member's words, oldest first."""
    lines = []
    for event in events:
        text, message = _event_text(claim, event)
        lines.append(HistoryLine(paris_datetime(event.created_at), text, message))
    return lines


def documents_request(claim: Claim, events: list[ClaimEvent]) -> str:
    """While documents are asked for: the adviser's message asking for them (shown above the upload box)."""
    if claim.status != ClaimStatus.DOCUMENTS_REQUESTED:
        return ""
    asked = [e for e in events if e.status == ClaimStatus.DOCUMENTS_REQUESTED]
    return asked[-1].message if asked else ""
