"""Reimbursement requests (PRODUCT.md rules 10 and 11), on the member's side.

Only invoices of assistance services linked to an assistance file, paid in advance; never health
costs, never quotes. A claim and its files are written in one transaction (files encrypted in the
database): a crash or a refused file leaves nothing half-written. The form's one-time submission key
makes a double click, a second tab or a retry land on the same claim.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlmodel import Session, select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import Account, AssistanceFile, Claim, ClaimEvent, ClaimFile, Contract, Entitlement
from portal_app.db.vocabulary import ClaimStatus, DocumentKind
from portal_app.domain import actors, audit, balances, claim_progress, clock, file_store, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.assistance_files import format_quantity, parse_quantity
from portal_app.domain.claim_views import (  # noqa: F401 (the views are imported from here too)
    _IBAN_PURPOSE,
    STATUS_LABELS,
    ClaimView,
    EventView,
    FileView,
    claim_view,
    mask_iban,
)
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import counted, day_date
from portal_app.domain.offers import reimbursable_services, service_label
from portal_app.domain.references import next_reference
from portal_app.domain.secret_box import seal
from portal_app.domain.uploads import Upload, check_files

OPEN_STATUSES = balances.OPEN_STATUSES
QUOTE_REFUSED = (
    "Ce service « Demande de remboursement » ne prend pas en charge la gestion des devis quelle que soit la nature "
    "de ceux-ci. Vous devez réaliser ces demandes directement sur votre espace personnel de mutuelle ou d'assurance."
)
SCOPE_TEXT = (
    "Le service « Demande de remboursement » ne concerne pas les frais de santé tels que le dentaire, l'optique ou "
    "les frais d'hôpitaux : ils sont à déposer sur l'espace personnel de votre mutuelle ou de votre assurance. Il est "
    "dédié aux factures liées à une demande d'assistance santé dont vous avez avancé les frais, par exemple une aide "
    "ménagère mise en place après une hospitalisation."
)
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class ClaimInput:
    entitlement_id: int
    date_from: str
    date_to: str
    provider: str
    amount: str
    iban: str
    document_kind: str  # facture or devis
    certified: bool
    submission_key: str


@dataclass(frozen=True)
class ClaimChoice:
    entitlement_id: int
    label: str


def _member_account(session: Session, actor: Actor) -> Account:
    """The acting member's account: only a member files and follows claims (NotAllowed for anyone else)."""
    return session.get(Account, actors.member(actor).account_id)


def _remaining_cents(session: Session, entitlement: Entitlement) -> int:
    """What the entitlement still allows (domain.balances: granted − committed by open claims − paid)."""
    return balances.remaining(session, entitlement)


def _eligible(session: Session, account: Account) -> list[tuple[Entitlement, AssistanceFile]]:
    rows = session.exec(
        select(Entitlement, AssistanceFile)
        .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
        .where(
            AssistanceFile.contract_id == account.contract_id,
            AssistanceFile.status == "open",
            Entitlement.unit == "euros",
            Entitlement.service.in_(reimbursable_services()),
        )
        .order_by(AssistanceFile.id, Entitlement.service)
    ).all()
    return list(rows)


def claim_choices(actor: Actor) -> list[ClaimChoice]:
    """The reimbursable services of the member's open files (amounts granted in euros)."""
    with session_scope() as session:
        account = _member_account(session, actor)
        return [
            ClaimChoice(
                e.id,
                f"{f.reference} — {service_label(e.service)} ({balances.reste_text(balances.balance(session, e))})",
            )
            for e, f in _eligible(session, account)
        ]


def _validate(session: Session, account: Account, data: ClaimInput) -> tuple[Entitlement, AssistanceFile, dict]:
    errors: dict[str, str] = {}
    if data.document_kind == DocumentKind.DEVIS:
        errors["document_kind"] = QUOTE_REFUSED
    elif data.document_kind != DocumentKind.FACTURE:
        errors["document_kind"] = "Indiquez le type de document : une facture."
    eligible = {e.id: (e, f) for e, f in _eligible(session, account)}
    chosen = eligible.get(data.entitlement_id) if isinstance(data.entitlement_id, int) else None
    if chosen is None:
        errors["entitlement"] = "Choisissez le dossier d'assistance et le service concernés."
    dates = {}
    # The end date is optional (a one-day service): blank means the start date, never « not a valid date ».
    end = (data.date_to or "").strip() or data.date_from
    for name, raw in (("date_from", data.date_from), ("date_to", end)):
        text = (raw or "").strip()
        if not text:
            if name == "date_from":
                errors[name] = "Indiquez la date de la prestation (ou de son premier jour)."
            continue
        try:
            dates[name] = date.fromisoformat(text)
        except ValueError:
            errors[name] = "Indiquez une date valide."
    if len(dates) == 2:
        if dates["date_to"] < dates["date_from"]:
            errors["date_to"] = "La date de fin doit être après la date de début."
        elif dates["date_to"] > clock.today_in_paris():
            errors["date_to"] = "Une prestation à venir ne peut pas encore être remboursée."
        elif chosen and not (chosen[0].valid_from <= dates["date_from"] and dates["date_to"] <= chosen[0].valid_to):
            errors["date_from"] = (
                f"Les dates doivent être dans la période de vos droits (du {day_date(chosen[0].valid_from)} "
                f"au {day_date(chosen[0].valid_to)})."
            )
    provider = " ".join((data.provider or "").split())
    if not provider:
        errors["provider"] = "Indiquez le prestataire qui a réalisé la prestation."
    elif len(provider) > 150:
        errors["provider"] = "150 caractères au plus."
    cents = parse_quantity(data.amount, "euros")
    if cents is None or cents <= 0:
        errors["amount"] = "Indiquez le montant avancé en euros (par exemple 1 234,50)."
    elif chosen and cents > _remaining_cents(session, chosen[0]):
        errors["amount"] = (
            f"Le montant dépasse ce que votre droit permet encore : "
            f"{format_quantity(max(_remaining_cents(session, chosen[0]), 0), 'euros')}."
        )
    iban = None
    if not (data.iban or "").strip():
        errors["iban"] = (
            "Indiquez l'IBAN du compte à rembourser : il figure sur votre relevé d'identité bancaire (RIB)."
        )
    else:
        try:
            iban = IBAN(data.iban)
        except SchwiftyException:
            errors["iban"] = "Cet IBAN n'est pas valide : vérifiez-le sur votre relevé d'identité bancaire (RIB)."
    if not data.certified:
        errors["certified"] = "Vous devez certifier l'exactitude des informations et l'avance des frais."
    if not _KEY.fullmatch(data.submission_key or ""):
        errors["general"] = "Le formulaire a expiré : rechargez la page."
    if errors:
        raise ValidationError.many(errors)
    entitlement, assistance_file = chosen
    return entitlement, assistance_file, {"dates": dates, "provider": provider, "cents": cents, "iban": iban.compact}


def _existing(session: Session, account: Account, key: str) -> str | None:
    claim = session.exec(select(Claim).where(Claim.submission_key == key)).first()
    if claim is None:
        return None
    if claim.account_id != account.id:
        raise ValidationError("general", "Le formulaire a expiré : rechargez la page.")
    return claim.reference


def _add_files(session: Session, claim: Claim, files: list) -> None:
    for item in files:
        key_id, blob = file_store.encrypt(item.content)
        session.add(
            ClaimFile(
                claim_id=claim.id,
                filename=item.filename,
                content_type=item.content_type,
                size_bytes=len(item.content),
                key_id=key_id,
                ciphertext=blob,
            )
        )


OTHER_TAB = (
    "Une demande vient d'être envoyée depuis cette page dans un autre onglet : rechargez la page pour en "
    "faire une nouvelle."
)


def new_submission_key(actor: Actor) -> str:
    """The key of the member's next form: the same in every tab until a claim is filed with it.

    Derived from the account and its number of claims, so two tabs (or a retry) send the same key and
    file one claim; once it is used, the next form gets the next key.
    """
    with session_scope() as session:
        account = _member_account(session, actor)
        filed = session.exec(select(sa.func.count(Claim.id)).where(Claim.account_id == account.id)).one()
        seed = f"{settings.SECRET_KEY}|claim-form|{account.id}|{filed}".encode()
        return hashlib.sha256(seed).hexdigest()[:48]


def _same_form(session: Session, reference: str, data: ClaimInput) -> str:
    """A key already used: the same form again gets its reference; a different form is told to reload."""
    claim = session.exec(select(Claim).where(Claim.reference == reference)).one()
    if claim.entitlement_id != data.entitlement_id or claim.amount_cents != parse_quantity(data.amount, "euros"):
        raise ValidationError("general", OTHER_TAB)
    return reference


def submit_claim(actor: Actor, data: ClaimInput, uploads: list[Upload]) -> str:
    """Returns the reference RB-YYYY-NNNNNN; the same one for the same submission key."""
    with session_scope() as session:
        account = _member_account(session, actor)
        existing = _existing(session, account, data.submission_key)
        if existing:
            return _same_form(session, existing, data)
        errors: dict[str, str] = {}
        try:
            entitlement, assistance_file, clean = _validate(session, account, data)
        except ValidationError as error:
            errors.update(error.errors)
        try:
            files = check_files(uploads)
        except ValidationError as error:
            errors.update(error.errors)
        if errors:
            # The same form, sent at the same moment, may have been saved while this one was checked (its
            # amount then counts against the entitlement): that submission's reference is the answer.
            existing = _existing(session, account, data.submission_key)
            if existing:
                return existing
            raise ValidationError.many(errors)
        claim = Claim(
            reference=next_reference(session, "RB"),
            submission_key=data.submission_key,
            account_id=account.id,
            contract_id=account.contract_id,
            assistance_file_id=assistance_file.id,
            entitlement_id=entitlement.id,
            service=entitlement.service,
            service_date_from=clean["dates"]["date_from"],
            service_date_to=clean["dates"]["date_to"],
            provider=clean["provider"],
            amount_cents=clean["cents"],
            iban_encrypted=seal(clean["iban"], _IBAN_PURPOSE),
            iban_last4=clean["iban"][-4:],
            created_at=clock.now(),  # the portal's clock: the queue's ages and the timeline compare with it
            updated_at=clock.now(),
        )
        session.add(claim)
        try:
            session.flush()
        except sa.exc.IntegrityError:
            # The same form was submitted at the same moment: the first one won, give its reference.
            session.rollback()
            with session_scope() as again:
                reference = _existing(again, _member_account(again, actor), data.submission_key)
                if reference:
                    return _same_form(again, reference, data)
            raise
        _add_files(session, claim, files)
        session.add(
            ClaimEvent(claim_id=claim.id, status="submitted", author_account_id=account.id, created_at=clock.now())
        )
        contract = session.get(Contract, account.contract_id)
        subject, body = mail_texts.claim_received(
            contract.holder_first_name,
            claim.reference,
            format_quantity(claim.amount_cents, "euros"),
            day_date(clock.today_in_paris()),
            claim.iban_last4,
        )
        mail.queue_mail(session, account.email, subject, body)
        audit.record(
            session,
            "claim_submitted",
            account,
            target_type="claim",
            target_id=claim.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
            detail=claim.reference,
        )
        return claim.reference


def _own_claim(session: Session, account: Account, reference: str) -> Claim:
    """A claim this account filed: by account, not contract (a closed account's claims stay with it)."""
    claim = session.exec(select(Claim).where(Claim.reference == (reference or "")[:20])).first()
    if claim is None or claim.account_id != account.id:
        raise NotFound("Demande introuvable.")
    return claim


def member_claims(actor: Actor) -> list[ClaimView]:
    """The claims this account filed; a contract's earlier (closed) account keeps its own to itself."""
    with session_scope() as session:
        account = _member_account(session, actor)
        claims = session.exec(select(Claim).where(Claim.account_id == account.id).order_by(Claim.id.desc())).all()
        return [claim_view(session, c, with_details=False) for c in claims]


def member_claim(actor: Actor, reference: str) -> ClaimView:
    """One of the member's claims, with its progress line and its history in the member's words."""
    with session_scope() as session:
        account = _member_account(session, actor)
        claim = _own_claim(session, account, reference)
        events = list(session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)))
        return replace(
            claim_view(session, claim),
            progress=claim_progress.progress(claim.status),
            history=claim_progress.history(claim, events),
            documents_request=claim_progress.documents_request(claim, events),
        )


def add_documents(actor: Actor, reference: str, uploads: list[Upload]) -> None:
    """When documents were requested: the member adds them to the same claim, which goes back « en cours »."""
    with session_scope() as session:
        account = _member_account(session, actor)
        claim = _own_claim(session, account, reference)
        if claim.status != ClaimStatus.DOCUMENTS_REQUESTED:
            raise ValidationError("files", "Aucune pièce n'est demandée pour cette demande.")
        files = check_files(uploads)
        result = session.execute(
            sa.update(Claim)
            .where(Claim.id == claim.id, Claim.status == ClaimStatus.DOCUMENTS_REQUESTED)
            .values(status=ClaimStatus.IN_PROGRESS)
        )
        if result.rowcount != 1:
            raise ValidationError("files", "Cette demande vient de changer : rechargez la page.")
        _add_files(session, claim, files)
        session.add(
            ClaimEvent(
                claim_id=claim.id,
                status=ClaimStatus.IN_PROGRESS,
                message=f"{counted(len(files), 'pièce ajoutée', 'pièces ajoutées')} par l'adhérent",
                author_account_id=account.id,
                created_at=clock.now(),
            )
        )
        audit.record(
            session,
            "claim_documents_added",
            account,
            target_type="claim",
            target_id=claim.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
            detail=claim.reference,
        )
