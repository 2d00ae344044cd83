"""The transport provider's daily run sheet (adviser back-office) and trip statuses set by advisers.

The sheet says which day it shows and, for each line, which status changes it offers: the page draws only
those, and `set_status` refuses the others with the same rule (`_refusal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Address, AssistanceFile, Beneficiary, Contract, Trip
from portal_app.db.vocabulary import TripStatus
from portal_app.domain import audit, clock, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.addresses import one_line
from portal_app.domain.advisers import require_adviser
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import long_date
from portal_app.domain.phone import display_mobile
from portal_app.domain.spreadsheet import csv_text
from portal_app.domain.trips import CUTOFF, LIVE, STATUS_LABELS, release

ADVISER_STATUSES = {
    TripStatus.CONFIRMED: "confirmé",
    TripStatus.DONE: "réalisé",
    TripStatus.NOT_DONE: "non réalisé",
    TripStatus.CANCELLED: "annulé",
}
ALLOWED_FROM = {
    TripStatus.CONFIRMED: (TripStatus.PLANNED,),
    TripStatus.DONE: (TripStatus.PLANNED, TripStatus.CONFIRMED, TripStatus.NOT_DONE),
    TripStatus.NOT_DONE: (TripStatus.PLANNED, TripStatus.CONFIRMED, TripStatus.DONE),
    TripStatus.CANCELLED: LIVE,
}
# Statuses that are facts of the trip's day: not before it.
ON_THE_DAY = (TripStatus.DONE, TripStatus.NOT_DONE)
DEFAULT_DAY_RULE = (
    "Sans date choisie, la feuille montre les trajets d'aujourd'hui jusqu'à 18 h, puis ceux de demain : "
    "à partir de 18 h, les familles ne peuvent plus planifier, modifier ni annuler les trajets du lendemain."
)
CSV_HEADER = ["heure", "enfant", "prise_en_charge", "destination", "telephone_parent", "remarques", "statut"]


@dataclass(frozen=True)
class RunSheetLine:
    trip_id: int
    pickup_time: str
    child: str
    pickup: str
    dropoff: str
    phone: str
    notes: str
    status: str
    status_label: str
    actions: list[str]  # the statuses this line may be given now, in ADVISER_STATUSES' order


@dataclass(frozen=True)
class DaySheet:
    day: str  # ISO date
    heading: str  # « Trajets du jeudi 3 décembre 2026 : 12 trajets »
    lines: list[RunSheetLine]


def default_day() -> date:
    """Today until 18:00 in Paris, tomorrow from then: after the cut-off, tomorrow's trips no longer change and
    are the ones the transport provider needs."""
    moment = clock.now().astimezone(clock.PARIS)
    return moment.date() + timedelta(days=1) if moment.time() >= CUTOFF else moment.date()


def trips_count(count: int) -> str:
    """« aucun trajet », « 1 trajet », « 12 trajets »."""
    if count == 0:
        return "aucun trajet"
    return f"{count} trajet" if count == 1 else f"{count} trajets"


def _refusal(current: str, trip_date: date, status: str) -> str | None:
    """Why a trip in `current` status cannot become `status` now, or None when it can."""
    if current not in ALLOWED_FROM[status]:
        return f"Un trajet {STATUS_LABELS[current]} ne peut pas devenir {ADVISER_STATUSES[status]}."
    if status in ON_THE_DAY and trip_date > clock.today_in_paris():
        return "Un trajet ne peut être marqué réalisé ou non réalisé qu'à partir de son jour."
    return None


def _actions(trip: Trip) -> list[str]:
    return [str(status) for status in ADVISER_STATUSES if _refusal(trip.status, trip.trip_date, status) is None]


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationError("day", "Choisissez une date valide.") from None


def run_sheet(actor: Actor, day: str) -> list[RunSheetLine]:
    """The trips of a day, sorted by pick-up time: first name and initial only, full addresses."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        when = _parse_day(day)
        trips = session.exec(
            select(Trip).where(Trip.trip_date == when, Trip.status != "cancelled").order_by(Trip.pickup_time, Trip.id)
        ).all()
        audit.record(session, "run_sheet_viewed", adviser, target_type="run_sheet", detail=when.isoformat())
        lines = []
        for trip in trips:
            child = session.get(Beneficiary, trip.beneficiary_id)
            account = session.get(Account, trip.account_id)
            lines.append(
                RunSheetLine(
                    trip_id=trip.id,
                    pickup_time=trip.pickup_time,
                    child=f"{child.first_name} {child.last_name[:1]}.",
                    pickup=one_line(session.get(Address, trip.from_address_id)),
                    dropoff=one_line(session.get(Address, trip.to_address_id)),
                    phone=display_mobile(account.phone),
                    notes=trip.notes,
                    status=trip.status,
                    status_label=STATUS_LABELS[trip.status],
                    actions=_actions(trip),
                )
            )
        return lines


def day_sheet(actor: Actor, day: str | None = None) -> DaySheet:
    """The sheet of a day (`default_day()` when none is asked: None; a day typed empty is refused), with its
    heading."""
    when = default_day() if day is None else _parse_day(day)
    lines = run_sheet(actor, when.isoformat())
    return DaySheet(when.isoformat(), f"Trajets du {long_date(when)} : {trips_count(len(lines))}", lines)


def run_sheet_csv(actor: Actor, day: str) -> str:
    """The day's sheet for the transport provider: every cell safe in a spreadsheet (domain.spreadsheet)."""
    return csv_text(
        CSV_HEADER,
        (
            [line.pickup_time, line.child, line.pickup, line.dropoff, line.phone, line.notes, line.status_label]
            for line in run_sheet(actor, day)
        ),
    )


def set_status(actor: Actor, trip_id: int, status: str) -> str:
    """Confirmed, done, not done or cancelled by the platform; the member is e-mailed when confirmed or cancelled."""
    if status not in ADVISER_STATUSES:
        raise ValidationError("status", "Statut inconnu.")
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        trip = session.get(Trip, trip_id) if isinstance(trip_id, int) else None
        if trip is None:
            raise NotFound("Trajet introuvable.")
        refusal = _refusal(trip.status, trip.trip_date, status)
        if refusal is not None:
            raise ValidationError("status", refusal)
        if status == "cancelled":
            release(session, trip)
        else:
            trip.status = status
            session.add(trip)
        assistance_file = session.get(AssistanceFile, trip.assistance_file_id)
        member = session.get(Account, trip.account_id)
        audit.record(
            session,
            "trip_status_changed",
            adviser,
            target_type="trip",
            target_id=trip.id,
            member_account_id=member.id,
            contract_id=assistance_file.contract_id,
            detail=status,
        )
        if status in ("confirmed", "cancelled") and member.closed_at is None:  # a closed account gets no mail
            contract = session.get(Contract, assistance_file.contract_id)
            child = session.get(Beneficiary, trip.beneficiary_id)
            subject, body = mail_texts.trip_status_changed(
                contract.holder_first_name,
                child.first_name,
                long_date(trip.trip_date),
                trip.pickup_time,
                ADVISER_STATUSES[status],
            )
            mail.queue_mail(session, member.email, subject, body)
        return f"Trajet {ADVISER_STATUSES[status]}."
