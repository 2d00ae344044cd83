"""Reimbursement requests on the adviser's side: the queue, a claim's page, decisions, downloads.

Decisions are conditional updates on what the adviser saw (`expected_status`, and the timeline's length
from the claim's page): when another adviser decided meanwhile, or at the same moment, the later one is told
and nothing is overwritten. Accepting, refusing and paying are confirmed first (`confirmation`).
Every decision is audited and e-mailed to the member; every adviser download is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, Claim, ClaimEvent, ClaimFile, Contract, Entitlement
from portal_app.db.vocabulary import ClaimStatus
from portal_app.domain import actors, audit, balances, clock, file_store, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.advisers import require_adviser
from portal_app.domain.assistance_files import format_quantity, parse_quantity
from portal_app.domain.claims import STATUS_LABELS, ClaimView, claim_view
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import day_date

REFUSAL_REASONS = {
    "hors_garantie": "Prestation non couverte par votre garantie d'assistance",
    "frais_de_sante": "Frais de santé : à déposer sur l'espace de votre mutuelle ou assurance",
    "devis": "Un devis n'est pas une facture",
    "illisible": "Justificatif illisible ou incomplet",
    "hors_periode": "Prestation en dehors de la période de vos droits",
    "autre": "Autre motif",
}
ALREADY_HANDLED = (
    "Entre-temps, un autre conseiller a traité cette demande : votre décision n'a pas été enregistrée. "
    "La demande est rechargée ci-dessous telle qu'elle est maintenant."
)
TRANSITIONS = {
    ClaimStatus.IN_PROGRESS: (ClaimStatus.SUBMITTED,),
    ClaimStatus.DOCUMENTS_REQUESTED: (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS),
    ClaimStatus.ACCEPTED: (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS),
    ClaimStatus.REFUSED: (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS, ClaimStatus.DOCUMENTS_REQUESTED),
    ClaimStatus.PAID: (ClaimStatus.ACCEPTED,),
}


@dataclass(frozen=True)
class QueueLine:
    reference: str
    member: str
    service: str
    amount: str
    status_label: str
    submitted: str
    age_days: int


def queue(actor: Actor, status: str = "", older_than_days: int = 0) -> list[QueueLine]:
    with session_scope() as session:
        require_adviser(session, actor)
        query = select(Claim, Contract).join(Contract, Contract.id == Claim.contract_id)
        if status in STATUS_LABELS:
            query = query.where(Claim.status == status)
        if older_than_days and isinstance(older_than_days, int) and older_than_days > 0:
            query = query.where(Claim.created_at <= clock.now() - timedelta(days=older_than_days))
        rows = session.exec(query.order_by(Claim.created_at).limit(500)).all()
        lines = []
        for claim, contract in rows:
            view = claim_view(session, claim, with_details=False)
            created = (
                claim.created_at if claim.created_at.tzinfo else claim.created_at.replace(tzinfo=clock.now().tzinfo)
            )
            lines.append(
                QueueLine(
                    claim.reference,
                    f"{contract.holder_first_name} {contract.holder_last_name} ({contract.member_number})",
                    view.service,
                    view.amount,
                    view.status_label,
                    view.submitted,
                    max(0, (clock.now() - created).days),
                )
            )
        return lines


def _claim(session: Session, reference: str) -> Claim:
    claim = session.exec(select(Claim).where(Claim.reference == (reference or "")[:20])).first()
    if claim is None:
        raise NotFound("Demande introuvable.")
    return claim


@dataclass(frozen=True)
class AdviserClaimView:
    claim: ClaimView
    member: str
    member_number: str
    remaining: str  # the entitlement's « reste », the member's figure (domain.balances)
    acceptable: str  # at most what this claim may be accepted for: its amount, within what is not accepted yet
    version: int  # the timeline's length: what a decision from this page expects (see decide)


def adviser_claim(actor: Actor, reference: str) -> AdviserClaimView:
    """Audited: an adviser reading a claim reads health-related data."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        claim = _claim(session, reference)
        contract = session.get(Contract, claim.contract_id)
        audit.record(
            session,
            "claim_viewed",
            adviser,
            target_type="claim",
            target_id=claim.id,
            member_account_id=claim.account_id,
            contract_id=claim.contract_id,
            detail=claim.reference,
        )
        entitlement = session.get(Entitlement, claim.entitlement_id)
        remaining = balances.remaining(session, entitlement)  # the member's figure (claim form, Mon Espace)
        return AdviserClaimView(
            claim=claim_view(session, claim),
            member=f"{contract.holder_first_name} {contract.holder_last_name}",
            member_number=contract.member_number,
            remaining=format_quantity(remaining, "euros"),
            acceptable=format_quantity(
                max(min(claim.amount_cents, entitlement.quantity - entitlement.used), 0), "euros"
            ),
            version=_version(session, claim),
        )


def _version(session: Session, claim: Claim) -> int:
    """How many steps the claim's timeline has: every change of status adds one (a decision, the member's added
    documents), so a page showing this number has seen every change."""
    return session.exec(select(sa.func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim.id)).one()


@dataclass(frozen=True)
class _Checked:
    claim: Claim
    values: dict
    message: str
    accepted: int | None


def _check(
    session: Session,
    adviser: Account,
    reference: str,
    decision: str,
    expected_status: str,
    expected_version: int | None,
    message: str,
    amount: str,
    reason: str,
) -> _Checked:
    """Everything a decision must pass, nothing written: the confirmation's question and the decision itself
    ask the same. A claim that changed since the adviser's page (status or timeline) is ALREADY_HANDLED."""
    if decision not in TRANSITIONS:
        raise ValidationError("decision", "Décision inconnue.")
    claim = _claim(session, reference)
    if claim.status != expected_status or (
        expected_version is not None and _version(session, claim) != expected_version
    ):
        raise ValidationError("decision", ALREADY_HANDLED)
    if claim.status not in TRANSITIONS[decision]:
        raise ValidationError("decision", "Décision impossible à ce stade.")
    values: dict = {"status": decision, "decided_by_account_id": adviser.id}
    if decision == "documents_requested" and not message:
        raise ValidationError("message", "Indiquez au membre les pièces attendues.")
    if decision == "refused":
        if reason not in REFUSAL_REASONS:
            raise ValidationError("reason", "Choisissez un motif de refus.")
        message = f"{REFUSAL_REASONS[reason]}. {message}".strip()
    accepted = None
    if decision == "accepted":
        accepted = parse_quantity(amount or "", "euros")
        entitlement = session.get(Entitlement, claim.entitlement_id)
        ceiling = min(claim.amount_cents, entitlement.quantity - entitlement.used)
        if accepted is None or accepted <= 0:
            raise ValidationError("amount", "Indiquez le montant accepté en euros.")
        if accepted > ceiling:
            raise ValidationError(
                "amount",
                f"Le montant accepté ne peut pas dépasser {format_quantity(max(ceiling, 0), 'euros')} "
                "(le montant demandé et ce que le droit permet encore).",
            )
        values["accepted_amount_cents"] = accepted
    return _Checked(claim, values, message, accepted)


QUESTIONS = {
    ClaimStatus.ACCEPTED: "Accepter la demande {reference} de {member} pour {amount} ?",
    ClaimStatus.REFUSED: "Refuser la demande {reference} de {member} pour {amount} ?",
    ClaimStatus.PAID: "Marquer comme payée la demande {reference} de {member} pour {amount} ?",
}


def confirmation(
    actor: Actor,
    reference: str,
    decision: str,
    expected_status: str,
    message: str = "",
    amount: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> str:
    """The question an accept, refusal or payment is confirmed with: the amount and the member's name, so that a
    decision is not made on the wrong claim or for the wrong amount. Checked as the decision would be."""
    if decision not in QUESTIONS:
        raise ValidationError("decision", "Décision inconnue.")
    message = (message or "").strip()[:2000]
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        checked = _check(
            session, adviser, reference, decision, expected_status, expected_version, message, amount, reason
        )
        claim = checked.claim
        contract = session.get(Contract, claim.contract_id)
        if decision == ClaimStatus.ACCEPTED:
            cents = checked.accepted
        elif decision == ClaimStatus.PAID:
            cents = claim.accepted_amount_cents or claim.amount_cents
        else:
            cents = claim.amount_cents
        return QUESTIONS[decision].format(
            reference=claim.reference,
            member=f"{contract.holder_first_name} {contract.holder_last_name}",
            amount=format_quantity(cents, "euros"),
        )


def decide(
    actor: Actor,
    reference: str,
    decision: str,
    expected_status: str,
    message: str = "",
    amount: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> str:
    """in_progress, documents_requested (message required), accepted (amount), refused (reason), paid.

    Only from what the adviser saw: `expected_status` and, from the claim's page, `expected_version` (the
    timeline's length). The update is conditional on both, so a decision made meanwhile by another adviser is
    never overwritten: the later one gets ALREADY_HANDLED and nothing is written.
    """
    message = (message or "").strip()[:2000]
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        checked = _check(
            session, adviser, reference, decision, expected_status, expected_version, message, amount, reason
        )
        claim, message, accepted = checked.claim, checked.message, checked.accepted
        conditions = [Claim.id == claim.id, Claim.status == expected_status]
        if expected_version is not None:
            steps = sa.select(sa.func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim.id).scalar_subquery()
            conditions.append(steps == expected_version)
        result = session.execute(sa.update(Claim).where(*conditions).values(**checked.values))
        if result.rowcount != 1:
            raise ValidationError("decision", ALREADY_HANDLED)
        if accepted is not None:
            used = session.execute(
                sa.update(Entitlement)
                .where(Entitlement.id == claim.entitlement_id, Entitlement.used + accepted <= Entitlement.quantity)
                .values(used=Entitlement.used + accepted)
            )
            if used.rowcount != 1:
                session.rollback()
                raise ValidationError("amount", "Le droit ne permet plus ce montant : rechargez la page.")
        session.add(
            ClaimEvent(
                claim_id=claim.id,
                status=decision,
                message=message,
                author_account_id=adviser.id,
                created_at=clock.now(),
            )
        )
        member = session.get(Account, claim.account_id)
        contract = session.get(Contract, claim.contract_id)
        label = STATUS_LABELS[decision]
        if accepted is not None:
            label = f"{label} ({format_quantity(accepted, 'euros')})"
        paid_cents = accepted if accepted is not None else claim.accepted_amount_cents or claim.amount_cents
        subject, body = mail_texts.claim_status_changed(
            contract.holder_first_name,
            claim.reference,
            decision,
            label,
            message,
            amount=format_quantity(paid_cents, "euros"),
            day=day_date(clock.today_in_paris()),
            iban_last4=claim.iban_last4,
        )
        mail.queue_mail(session, member.email, subject, body)
        audit.record(
            session,
            "claim_decided",
            adviser,
            target_type="claim",
            target_id=claim.id,
            member_account_id=member.id,
            contract_id=claim.contract_id,
            detail=f"{claim.reference} {decision}",
        )
        return f"Demande {claim.reference} : {STATUS_LABELS[decision]}."


@dataclass(frozen=True)
class FileDownload:
    filename: str
    content_type: str
    content: bytes


def open_claim_file(actor: Actor | None, file_id: int) -> FileDownload:
    """The account that filed the claim or an adviser (audited) gets the decrypted file; anyone else NotFound.

    By account, not contract: after a closing, the next registration on the same contract is someone else.
    """
    with session_scope() as session:
        stored = get_by_id(session, ClaimFile, file_id)
        if stored is None:
            raise NotFound()
        claim = session.get(Claim, stored.claim_id)
        if isinstance(actor, actors.Member):
            if claim.account_id != actor.account_id:
                raise NotFound()
        elif isinstance(actor, actors.Adviser):
            adviser = session.get(Account, actor.account_id)
            audit.record(
                session,
                "claim_file_downloaded",
                adviser,
                target_type="claim_file",
                target_id=stored.id,
                member_account_id=claim.account_id,
                contract_id=claim.contract_id,
                detail=claim.reference,
            )
        else:
            raise NotFound()
        return FileDownload(stored.filename, stored.content_type, file_store.decrypt(stored.key_id, stored.ciphertext))
