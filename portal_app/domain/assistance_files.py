"""Assistance files (dossiers d'assistance) and their entitlements.

An adviser opens a file for a contract after an event, and grants per service of the offer a
quantity in a unit over a period. Later issues consume entitlements (trips, claims): `used` can
only grow through them, and an adviser can never set a quantity below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, AssistanceFile, Beneficiary, Contract, Entitlement, Offer
from portal_app.db.vocabulary import EventType, FileStatus
from portal_app.domain import actors, audit, balances, clock
from portal_app.domain.actors import Actor
from portal_app.domain.advisers import require_adviser
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import day_date, long_date
from portal_app.domain.offers import offer_services, service_label, service_units
from portal_app.domain.quantities import UNITS, format_quantity  # noqa: F401 (format_quantity: imported from here)
from portal_app.domain.references import next_reference
from portal_app.domain.registration import RELATION_LABELS

EVENT_TYPES = {
    EventType.HOSPITALISATION: "Hospitalisation",
    EventType.IMMOBILISATION: "Immobilisation",
    EventType.MATERNITE: "Maternité",
    EventType.AUTRE: "Autre",
}
MAX_QUANTITY = 100_000_00


@dataclass(frozen=True)
class EntitlementInput:
    service: str
    quantity: str
    unit: str
    valid_from: str
    valid_to: str


def _parse_date(value: str, field_name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        errors[field_name] = "Indiquez une date valide (jj/mm/aaaa)."
        return None


def parse_quantity(raw: str, unit: str) -> int | None:
    """Whole numbers for trips, hours and days; euros accept « 1 234,50 » and are kept in cents.

    None when it is not such a number, for the caller to say so by the field. Decimal also reads
    « inf », « NaN », « sNaN » and « 1e999999 »: not amounts, and their arithmetic raises or rounds.
    """
    text = re.sub(r"[\s\u00a0\u202f€]", "", raw or "").replace(",", ".")
    if len(text) > 20:  # within Decimal's 28 digits, so the arithmetic below is exact
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or (value and not -15 <= value.adjusted() <= 15):
        return None
    if unit == "euros":
        cents = value * 100
        return int(cents) if cents == cents.to_integral_value() else None
    return int(value) if value == value.to_integral_value() else None


def _check_entitlement(
    item: EntitlementInput, prefix: str, offered: list[str], errors: dict[str, str]
) -> tuple[int, date, date] | None:
    if item.service not in offered:
        errors[f"{prefix}service"] = "Ce service ne fait pas partie de l'offre du contrat."
        return None
    if item.unit not in UNITS:
        errors[f"{prefix}unit"] = "Choisissez une unité : trajets, heures, jours ou euros."
        return None
    quantity = parse_quantity(item.quantity, item.unit)
    if quantity is None or quantity <= 0 or quantity > MAX_QUANTITY:
        errors[f"{prefix}quantity"] = "Indiquez une quantité positive (nombre entier, ou montant en euros)."
    start = _parse_date(item.valid_from, f"{prefix}valid_from", errors)
    end = _parse_date(item.valid_to, f"{prefix}valid_to", errors)
    if start and end and end < start:
        errors[f"{prefix}valid_to"] = "La fin de la période doit être après son début."
    if f"{prefix}quantity" in errors or not start or not end or end < start:
        return None
    return quantity, start, end


def _check_unit_of_service(item: EntitlementInput, errors: dict[str, str]) -> None:
    """A service is granted only in its own units (data/offers.json): no home help counted in trips."""
    name = f"{item.service}_unit"
    allowed = service_units(item.service).units
    if name in errors or f"{item.service}_service" in errors or item.unit in allowed:
        return
    if len(allowed) == 1:
        words = allowed[0]
    elif len(allowed) == 2:
        words = f"{allowed[0]} ou en {allowed[1]}"  # « en heures ou en euros »
    else:
        words = f"{', '.join(allowed[:-1])} ou {allowed[-1]}"  # « en heures, jours ou euros »
    errors[name] = f"Le service « {service_label(item.service)} » s'accorde en {words}."


def open_file(
    actor: Actor,
    contract_id: int,
    beneficiary_id: int,
    event_type: str,
    event_date: str,
    entitlements: list[EntitlementInput],
) -> str:
    """Returns the new reference AS-YYYY-NNNNNN."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        contract = session.get(Contract, contract_id) if isinstance(contract_id, int) else None
        if contract is None:
            raise NotFound("Contrat introuvable.")
        errors: dict[str, str] = {}
        beneficiary = session.get(Beneficiary, beneficiary_id) if isinstance(beneficiary_id, int) else None
        if beneficiary is None or beneficiary.contract_id != contract.id:
            errors["beneficiary"] = "Choisissez le bénéficiaire concerné parmi ceux du contrat."
        if event_type not in EVENT_TYPES:
            errors["event_type"] = "Choisissez le type d'événement."
        when = _parse_date(event_date, "event_date", errors)
        if when and when > clock.today_in_paris():
            errors["event_date"] = "La date de l'événement ne peut pas être dans le futur."
        offered = offer_services(session.get(Offer, contract.offer_id))
        granted = list(entitlements)  # every service asked: an empty quantity is said by its field
        if not granted:
            errors["entitlements"] = "Accordez au moins un droit (quantité d'un service)."
        if len({item.service for item in granted}) != len(granted):
            errors["entitlements"] = "Un même service ne peut être accordé qu'une fois par dossier."
        checked = [(item, _check_entitlement(item, f"{item.service}_", offered, errors)) for item in granted]
        for item in granted:
            _check_unit_of_service(item, errors)
        if errors:
            raise ValidationError.many(errors)
        reference = next_reference(session, "AS")
        assistance_file = AssistanceFile(
            reference=reference,
            contract_id=contract.id,
            beneficiary_id=beneficiary.id,
            event_type=event_type,
            event_date=when,
            opened_by_account_id=adviser.id,
        )
        session.add(assistance_file)
        session.flush()
        for item, (quantity, start, end) in checked:
            session.add(
                Entitlement(
                    assistance_file_id=assistance_file.id,
                    service=item.service,
                    unit=item.unit,
                    quantity=quantity,
                    valid_from=start,
                    valid_to=end,
                )
            )
        member = session.exec(select(Account.id).where(Account.contract_id == contract.id)).first()
        audit.record(
            session,
            "assistance_file_opened",
            adviser,
            target_type="assistance_file",
            target_id=assistance_file.id,
            contract_id=contract.id,
            member_account_id=member,
            detail=reference,
        )
        return reference


def _file_for_adviser(session: Session, file_id: int) -> AssistanceFile:
    assistance_file = session.get(AssistanceFile, file_id) if isinstance(file_id, int) else None
    if assistance_file is None:
        raise NotFound("Dossier introuvable.")
    return assistance_file


def update_entitlement(actor: Actor, entitlement_id: int, quantity: str, valid_from: str, valid_to: str) -> None:
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        entitlement = session.get(Entitlement, entitlement_id) if isinstance(entitlement_id, int) else None
        if entitlement is None:
            raise NotFound("Droit introuvable.")
        assistance_file = _file_for_adviser(session, entitlement.assistance_file_id)
        if assistance_file.status != "open":
            raise ValidationError("quantity", "Ce dossier est clos : ses droits ne peuvent plus être modifiés.")
        errors: dict[str, str] = {}
        checked = _check_entitlement(
            EntitlementInput(entitlement.service, quantity, entitlement.unit, valid_from, valid_to),
            "",
            [entitlement.service],
            errors,
        )
        if checked and checked[0] < entitlement.used:
            errors["quantity"] = (
                f"La quantité ne peut pas être inférieure à ce qui est déjà utilisé "
                f"({format_quantity(entitlement.used, entitlement.unit)})."
            )
        if errors:
            raise ValidationError.many(errors)
        entitlement.quantity, entitlement.valid_from, entitlement.valid_to = checked
        session.add(entitlement)
        audit.record(
            session,
            "entitlement_changed",
            adviser,
            target_type="entitlement",
            target_id=entitlement.id,
            contract_id=assistance_file.contract_id,
            detail=assistance_file.reference,
        )


def close_file(actor: Actor, file_id: int) -> None:
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        assistance_file = _file_for_adviser(session, file_id)
        if assistance_file.status == FileStatus.CLOSED:
            raise ValidationError("status", "Ce dossier est déjà clos.")
        assistance_file.status = FileStatus.CLOSED
        assistance_file.closed_at = clock.now()
        session.add(assistance_file)
        audit.record(
            session,
            "assistance_file_closed",
            adviser,
            target_type="assistance_file",
            target_id=assistance_file.id,
            contract_id=assistance_file.contract_id,
            detail=assistance_file.reference,
        )


@dataclass(frozen=True)
class EntitlementView:
    entitlement_id: int
    service: str
    service_label: str
    unit: str
    granted: str
    used: str
    remaining: str
    valid_from: str
    valid_to: str
    valid_from_iso: str
    valid_to_iso: str
    quantity_input: str
    summary: str  # Mon Espace: « Aide ménagère : reste 200,00 € jusqu'au … (accordé …, engagé …, payé …) »
    balance: str  # the adviser's file: « accordé 500,00 €, engagé 300,00 € …, payé 0,00 €, reste 200,00 € »


@dataclass(frozen=True)
class AssistanceFileView:
    file_id: int
    reference: str
    event: str
    event_date: str
    beneficiary: str
    status: str
    entitlements: list[EntitlementView] = field(default_factory=list)


def _entitlement_view(session: Session, e: Entitlement) -> EntitlementView:
    b = balances.balance(session, e)
    remaining = b.remaining
    label = service_label(e.service)
    # The one « reste » (domain.balances), the same words as the claim form and the adviser's file.
    summary = f"{label} : {balances.reste_text(b)} jusqu'au {day_date(e.valid_to)}"
    if e.unit == "euros":
        summary += f" ({balances.detail_text(b)})"
    quantity_input = format_quantity(e.quantity, e.unit).removesuffix(" €") if e.unit == "euros" else str(e.quantity)
    return EntitlementView(
        entitlement_id=e.id,
        service=e.service,
        service_label=label,
        unit=e.unit,
        granted=format_quantity(e.quantity, e.unit),
        used=format_quantity(e.used, e.unit),
        remaining=format_quantity(remaining, e.unit),
        valid_from=long_date(e.valid_from),
        valid_to=long_date(e.valid_to),
        valid_from_iso=e.valid_from.isoformat(),
        valid_to_iso=e.valid_to.isoformat(),
        quantity_input=quantity_input,
        summary=summary,
        balance=balances.balance_text(b),
    )


def _views(session: Session, contract_id: int) -> list[AssistanceFileView]:
    files = session.exec(
        select(AssistanceFile).where(AssistanceFile.contract_id == contract_id).order_by(AssistanceFile.id.desc())
    ).all()
    views = []
    for f in files:
        beneficiary = session.get(Beneficiary, f.beneficiary_id)
        entitlements = session.exec(
            select(Entitlement).where(Entitlement.assistance_file_id == f.id).order_by(Entitlement.service)
        ).all()
        views.append(
            AssistanceFileView(
                file_id=f.id,
                reference=f.reference,
                event=EVENT_TYPES.get(f.event_type, f.event_type),
                event_date=long_date(f.event_date),
                beneficiary=f"{beneficiary.first_name} {beneficiary.last_name}",
                status="ouvert" if f.status == "open" else "clos",
                entitlements=[_entitlement_view(session, e) for e in entitlements],
            )
        )
    return views


def files_for_adviser(actor: Actor, contract_id: int) -> list[AssistanceFileView]:
    with session_scope() as session:
        require_adviser(session, actor)
        return _views(session, contract_id)


def files_for_member(actor: Actor) -> list[AssistanceFileView]:
    """The member's own files only: the contract comes from the actor, never from the request."""
    member = actors.member(actor)
    with session_scope() as session:
        return _views(session, member.contract_id)


@dataclass(frozen=True)
class OfferedService:
    """A service of the contract's offer, for the « open a file » form: its code, label, the units it is granted
    in (the first one chosen at first) and its usual quantity, pre-filled (from data/offers.json)."""

    code: str
    label: str
    unit: str
    units: list[str]
    usual_quantity: str


@dataclass(frozen=True)
class BeneficiaryChoice:
    """One option of the beneficiary select: « Léa Martin (enfant) »."""

    beneficiary_id: int
    label: str


def services_for_contract(actor: Actor, contract_id: int) -> list[OfferedService]:
    """The services the contract's offer includes."""
    with session_scope() as session:
        require_adviser(session, actor)
        contract = session.get(Contract, contract_id) if isinstance(contract_id, int) else None
        if contract is None:
            raise NotFound("Contrat introuvable.")
        services = []
        for code in offer_services(session.get(Offer, contract.offer_id)):
            grant = service_units(code)
            usual = str(grant.usual_quantity) if grant.usual_quantity > 0 else ""
            services.append(OfferedService(code, service_label(code), grant.units[0], list(grant.units), usual))
        return services


def beneficiary_choices(actor: Actor, contract_id: int) -> list[BeneficiaryChoice]:
    """The contract's beneficiaries, eldest first, for the beneficiary select of the « open a file » form."""
    with session_scope() as session:
        require_adviser(session, actor)
        people = session.exec(
            select(Beneficiary).where(Beneficiary.contract_id == contract_id).order_by(Beneficiary.birth_date)
        ).all()
        return [
            BeneficiaryChoice(b.id, f"{b.first_name} {b.last_name} ({RELATION_LABELS[b.relation].lower()})")
            for b in people
        ]
