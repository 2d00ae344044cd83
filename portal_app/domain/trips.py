"""School-transport trips (conduite à l'école): planning one trip or a series, cancelling, listing.

Rules: a child of the contract, one home and one school of the member, a date inside an open
transport_scolaire entitlement, no later than 18:00 (Paris) the day before, no weekend, public
holiday or school holiday of the school's zone, one trip per child, direction and day. The
entitlement is never over-used: booking increments it with a conditional UPDATE in the same
transaction as the trips, so concurrent bookings (two tabs, two devices) cannot both pass.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, Address, AssistanceFile, Beneficiary, Entitlement, Trip
from portal_app.db.vocabulary import Direction, TripStatus
from portal_app.domain import audit, calendar_files, clock
from portal_app.domain.actors import Actor
from portal_app.domain.addresses import SCHOOL_KINDS, member_account, one_line, owned_address
from portal_app.domain.clock import PARIS
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import counted, long_date
from portal_app.domain.school_calendar import reason_no_school, school_zone

SERVICE = "transport_scolaire"
DIRECTIONS = {Direction.ALLER: "Aller (domicile → école)", Direction.RETOUR: "Retour (école → domicile)"}
STATUS_LABELS = {
    TripStatus.PLANNED: "planifié",
    TripStatus.CONFIRMED: "confirmé",
    TripStatus.DONE: "réalisé",
    TripStatus.NOT_DONE: "non réalisé",
    TripStatus.CANCELLED: "annulé",
}
LIVE = (TripStatus.PLANNED, TripStatus.CONFIRMED)
CUTOFF = time(18, 0)
MAX_SPAN_DAYS = 366
TOO_LATE = "Trop tard : un trajet se planifie, se modifie ou s'annule au plus tard la veille à 18 h."
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class TripRequest:
    child_id: int
    home_address_id: int
    school_address_id: int
    directions: tuple[str, ...]
    date_from: str
    date_to: str
    weekdays: tuple[int, ...]  # 0 = lundi … 4 = vendredi
    outward_time: str = ""
    return_time: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PlannedDay:
    day: date
    label: str
    directions: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class SkippedDay:
    day: date
    label: str
    reason: str


@dataclass
class Plan:
    days: list[PlannedDay] = field(default_factory=list)
    skipped: list[SkippedDay] = field(default_factory=list)
    trips: int = 0
    remaining_before: int = 0
    remaining_after: int = 0
    # entitlement id → number of trips taken from it
    usage: dict[int, int] = field(default_factory=dict)
    # (day, direction) → entitlement id
    allocation: dict[tuple[date, str], int] = field(default_factory=dict)


def cutoff_for(day: date) -> datetime:
    """18:00 Paris time the day before the trip."""
    return datetime.combine(day - timedelta(days=1), CUTOFF, tzinfo=PARIS)


def is_open_for_changes(day: date) -> bool:
    return clock.now() < cutoff_for(day)


def _parse_day(raw: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        errors[name] = "Indiquez une date valide."
        return None


def _check_time(raw: str, name: str, errors: dict[str, str]) -> str:
    value = (raw or "").strip()
    match = _TIME.fullmatch(value)
    if not match or not (time(6, 0) <= time(int(match.group(1)), int(match.group(2))) <= time(20, 0)):
        errors[name] = "Indiquez une heure de prise en charge entre 06:00 et 20:00 (par exemple 08:15)."
    return value


@dataclass
class _Context:
    account: Account
    child: Beneficiary
    home: Address
    school: Address
    zone: str | None
    entitlements: list[Entitlement]
    first_day: date
    last_day: date
    directions: tuple[str, ...]
    weekdays: tuple[int, ...]
    times: dict[str, str]
    notes: str


def _context(session: Session, actor: Actor, request: TripRequest) -> _Context:
    account = member_account(session, actor)
    errors: dict[str, str] = {}
    child = get_by_id(session, Beneficiary, request.child_id)
    if child is None or child.contract_id != account.contract_id or child.relation != "enfant":
        errors["child"] = "Choisissez l'enfant à conduire parmi les enfants de votre contrat."
    home = school = None
    try:
        home = owned_address(session, account, request.home_address_id)
        if home.kind != "domicile":
            errors["home"] = "Choisissez une adresse de type « Domicile »."
    except NotFound:
        errors["home"] = "Choisissez un domicile parmi vos adresses."
    try:
        school = owned_address(session, account, request.school_address_id)
        if school.kind not in SCHOOL_KINDS:
            errors["school"] = "Choisissez une adresse d'école, de collège ou de lycée."
    except NotFound:
        errors["school"] = "Choisissez un établissement scolaire parmi vos adresses."
    directions = tuple(d for d in DIRECTIONS if d in set(request.directions or ()))
    if not directions:
        errors["directions"] = "Choisissez l'aller, le retour ou les deux."
    times = {}
    if "aller" in directions:
        times["aller"] = _check_time(request.outward_time, "outward_time", errors)
    if "retour" in directions:
        times["retour"] = _check_time(request.return_time, "return_time", errors)
    first = _parse_day(request.date_from, "date_from", errors)
    last = _parse_day(request.date_to or request.date_from, "date_to", errors)
    if first and last and last < first:
        errors["date_to"] = "La date de fin doit être après la date de début."
    elif first and last and (last - first).days > MAX_SPAN_DAYS:
        errors["date_to"] = "Planifiez au plus un an de trajets à la fois."
    weekdays = tuple(sorted({d for d in (request.weekdays or ()) if isinstance(d, int) and 0 <= d <= 6}))
    if not weekdays:
        errors["weekdays"] = "Choisissez au moins un jour de la semaine."
    notes = " ".join((request.notes or "").split())
    if len(notes) > 300:
        errors["notes"] = "Les remarques ne doivent pas dépasser 300 caractères."
    entitlements = list(
        session.exec(
            select(Entitlement)
            .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
            .where(
                AssistanceFile.contract_id == account.contract_id,
                AssistanceFile.status == "open",
                Entitlement.service == SERVICE,
            )
            .order_by(Entitlement.valid_to, Entitlement.id)
        ).all()
    )
    if not entitlements and not errors:
        errors["general"] = (
            "Vous n'avez pas de droit « Conduite à l'école » en cours. Un conseiller l'ouvre avec votre dossier "
            "d'assistance : appelez la plateforme."
        )
    if errors:
        raise ValidationError.many(errors)
    return _Context(
        account,
        child,
        home,
        school,
        school_zone(school.postcode),
        entitlements,
        first,
        last,
        directions,
        weekdays,
        times,
        notes,
    )


def _plan(session: Session, ctx: _Context) -> Plan:
    plan = Plan()
    remaining = {e.id: e.quantity - e.used for e in ctx.entitlements}
    plan.remaining_before = sum(max(v, 0) for v in remaining.values())
    booked = {
        (t.trip_date, t.direction)
        for t in session.exec(
            select(Trip).where(
                Trip.beneficiary_id == ctx.child.id,
                Trip.status != "cancelled",
                Trip.trip_date >= ctx.first_day,
                Trip.trip_date <= ctx.last_day,
            )
        ).all()
    }
    day = ctx.first_day
    while day <= ctx.last_day:
        label = long_date(day)
        if day.weekday() not in ctx.weekdays:
            day += timedelta(days=1)
            continue
        reason = None
        if not is_open_for_changes(day):
            reason = "trop tard (au plus tard la veille à 18 h)"
        else:
            reason = reason_no_school(day, ctx.zone)
        if reason is None:
            wanted = [d for d in ctx.directions if (day, d) not in booked]
            if not wanted:
                reason = "déjà planifié"
        if reason is None:
            covering = [e for e in ctx.entitlements if e.valid_from <= day <= e.valid_to]
            if not covering:
                reason = "hors de la période de vos droits"
        if reason is None:
            taken = []
            for direction in wanted:
                source = next((e for e in covering if remaining[e.id] > 0), None)
                if source is None:
                    break
                remaining[source.id] -= 1
                plan.usage[source.id] = plan.usage.get(source.id, 0) + 1
                plan.allocation[(day, direction)] = source.id
                taken.append(direction)
            if not taken:
                reason = "droits insuffisants"
            else:
                note = ""
                if len(taken) < len(ctx.directions):
                    missing = [d for d in ctx.directions if d not in taken]
                    why = "déjà planifié" if all((day, d) in booked for d in missing) else "droits insuffisants"
                    note = f"{' et '.join(m for m in missing)} : {why}"
                plan.days.append(PlannedDay(day, label, tuple(taken), note))
                plan.trips += len(taken)
        if reason is not None:
            plan.skipped.append(SkippedDay(day, label, reason))
        day += timedelta(days=1)
    plan.remaining_after = plan.remaining_before - plan.trips
    return plan


def preview(actor: Actor, request: TripRequest) -> Plan:
    """What would be booked and what would be skipped, with the reason; nothing is written."""
    with session_scope() as session:
        return _plan(session, _context(session, actor, request))


CHANGED_MEANWHILE = (
    "Vos droits ou vos trajets ont changé entre-temps (par exemple depuis un autre appareil) : "
    "vérifiez de nouveau la liste des dates avant de confirmer."
)


def book(actor: Actor, request: TripRequest, expected_trips: int | None = None) -> int:
    """Book what preview() listed, all or nothing; returns the number of trips created."""
    with session_scope() as session:
        ctx = _context(session, actor, request)
        plan = _plan(session, ctx)
        if plan.trips == 0:
            raise ValidationError("general", "Aucun trajet à planifier pour ces dates : voir les raisons indiquées.")
        if expected_trips is not None and expected_trips != plan.trips:
            raise ValidationError("general", CHANGED_MEANWHILE)
        # Always in the same order (by id): two bookings taking two entitlements in opposite orders
        # would otherwise deadlock on PostgreSQL.
        for entitlement_id, count in sorted(plan.usage.items()):
            result = session.execute(
                sa.update(Entitlement)
                .where(Entitlement.id == entitlement_id, Entitlement.used + count <= Entitlement.quantity)
                .values(used=Entitlement.used + count)
            )
            if result.rowcount != 1:
                session.rollback()
                raise ValidationError("general", CHANGED_MEANWHILE)
        files = {e.id: e.assistance_file_id for e in ctx.entitlements}
        for planned in plan.days:
            for direction in planned.directions:
                entitlement_id = plan.allocation[(planned.day, direction)]
                home_to_school = direction == "aller"
                session.add(
                    Trip(
                        account_id=ctx.account.id,
                        assistance_file_id=files[entitlement_id],
                        entitlement_id=entitlement_id,
                        beneficiary_id=ctx.child.id,
                        trip_date=planned.day,
                        pickup_time=ctx.times[direction],
                        from_address_id=ctx.home.id if home_to_school else ctx.school.id,
                        to_address_id=ctx.school.id if home_to_school else ctx.home.id,
                        direction=direction,
                        notes=ctx.notes,
                    )
                )
        try:
            session.flush()
        except sa.exc.IntegrityError:
            session.rollback()
            raise ValidationError("general", CHANGED_MEANWHILE) from None
        audit.record(
            session,
            "trips_booked",
            ctx.account,
            target_type="beneficiary",
            target_id=ctx.child.id,
            member_account_id=ctx.account.id,
            contract_id=ctx.account.contract_id,
            detail=counted(plan.trips, "trajet"),
        )
        return plan.trips


def _member_trip(session: Session, account: Account, trip_id: int) -> Trip:
    """A trip this account booked: by account, not contract (a closed account's trips stay with it)."""
    trip = get_by_id(session, Trip, trip_id)
    if trip is None or trip.account_id != account.id:
        raise NotFound("Trajet introuvable.")
    return trip


def release(session: Session, trip: Trip) -> None:
    """Cancel a live trip and give its entitlement back (one statement each: safe under concurrency)."""
    result = session.execute(
        sa.update(Trip)
        .where(Trip.id == trip.id, Trip.status.in_(LIVE))
        .values(status="cancelled", cancelled_at=clock.now())
    )
    if result.rowcount == 1:
        session.execute(
            sa.update(Entitlement)
            .where(Entitlement.id == trip.entitlement_id, Entitlement.used > 0)
            .values(used=Entitlement.used - 1)
        )
    session.refresh(trip)


def cancel(actor: Actor, trip_id: int) -> None:
    with session_scope() as session:
        account = member_account(session, actor)
        trip = _member_trip(session, account, trip_id)
        if trip.status not in LIVE:
            raise ValidationError("trip", "Ce trajet n'est plus modifiable.")
        if not is_open_for_changes(trip.trip_date):
            raise ValidationError("trip", TOO_LATE)
        release(session, trip)
        audit.record(
            session,
            "trip_cancelled",
            account,
            target_type="trip",
            target_id=trip.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
        )


def change(actor: Actor, trip_id: int, pickup_time: str, notes: str) -> None:
    with session_scope() as session:
        account = member_account(session, actor)
        trip = _member_trip(session, account, trip_id)
        if trip.status not in LIVE:
            raise ValidationError("trip", "Ce trajet n'est plus modifiable.")
        if not is_open_for_changes(trip.trip_date):
            raise ValidationError("trip", TOO_LATE)
        errors: dict[str, str] = {}
        value = _check_time(pickup_time, "pickup_time", errors)
        notes = " ".join((notes or "").split())
        if len(notes) > 300:
            errors["notes"] = "Les remarques ne doivent pas dépasser 300 caractères."
        if errors:
            raise ValidationError.many(errors)
        trip.pickup_time, trip.notes, trip.status = value, notes, "planned"
        session.add(trip)
        audit.record(
            session,
            "trip_changed",
            account,
            target_type="trip",
            target_id=trip.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
        )


@dataclass(frozen=True)
class TripView:
    trip_id: int
    day: str
    day_iso: str
    pickup_time: str
    child: str
    direction: str
    from_label: str
    to_label: str
    from_address: str
    to_address: str
    status: str
    status_label: str
    notes: str
    can_change: bool
    week: str = ""  # « Semaine du lundi 7 décembre 2026 », for the lists grouped by week
    first_of_week: bool = False  # the first trip of its week in the list it is shown in


def trip_views(session: Session, trips: list[Trip]) -> list[TripView]:
    address_ids = {t.from_address_id for t in trips} | {t.to_address_id for t in trips}
    addresses = {a.id: a for a in session.exec(select(Address).where(Address.id.in_(address_ids)))} if trips else {}
    children = (
        {
            b.id: b
            for b in session.exec(select(Beneficiary).where(Beneficiary.id.in_({t.beneficiary_id for t in trips})))
        }
        if trips
        else {}
    )
    return [
        TripView(
            trip_id=t.id,
            day=long_date(t.trip_date),
            day_iso=t.trip_date.isoformat(),
            pickup_time=t.pickup_time,
            child=children[t.beneficiary_id].first_name,
            direction=DIRECTIONS[t.direction],
            from_label=addresses[t.from_address_id].label,
            to_label=addresses[t.to_address_id].label,
            from_address=one_line(addresses[t.from_address_id]),
            to_address=one_line(addresses[t.to_address_id]),
            status=t.status,
            status_label=STATUS_LABELS[t.status],
            notes=t.notes,
            can_change=t.status in LIVE and is_open_for_changes(t.trip_date),
        )
        for t in trips
    ]


def _own_trips(session: Session, account: Account) -> list[Trip]:
    """The trips this account booked (not the contract's: an earlier, closed account keeps its own)."""
    return list(
        session.exec(select(Trip).where(Trip.account_id == account.id).order_by(Trip.trip_date, Trip.pickup_time)).all()
    )


def list_trips(actor: Actor) -> tuple[list[TripView], list[TripView]]:
    """(to come, past): to come are the live trips from today on; past the rest, newest first, at most 100."""
    with session_scope() as session:
        account = member_account(session, actor)
        trips = _own_trips(session, account)
        today = clock.today_in_paris()
        upcoming = [t for t in trips if t.trip_date >= today and t.status in LIVE]
        past = [t for t in reversed(trips) if not (t.trip_date >= today and t.status in LIVE)][:100]
        return trip_views(session, upcoming), trip_views(session, past)


@dataclass(frozen=True)
class TripLists:
    """The member's three lists: to come (grouped by week), cancelled (even on a future date: not « passé »),
    and past (done, not done, or live trips whose day is over)."""

    upcoming: list[TripView]
    cancelled: list[TripView]
    past: list[TripView]


def _by_week(views: list[TripView]) -> list[TripView]:
    shown, weeks = [], set()
    for view in views:
        day = date.fromisoformat(view.day_iso)
        monday = day - timedelta(days=day.weekday())
        label = f"Semaine du {long_date(monday)}"
        shown.append(dataclasses.replace(view, week=label, first_of_week=monday not in weeks))
        weeks.add(monday)
    return shown


def trip_lists(actor: Actor) -> TripLists:
    with session_scope() as session:
        account = member_account(session, actor)
        trips = _own_trips(session, account)
        today = clock.today_in_paris()
        upcoming = [t for t in trips if t.trip_date >= today and t.status in LIVE]
        cancelled = [t for t in reversed(trips) if t.status == TripStatus.CANCELLED][:100]
        past = [t for t in reversed(trips) if t.trip_date < today and t.status != TripStatus.CANCELLED][:100]
        return TripLists(
            _by_week(trip_views(session, upcoming)), trip_views(session, cancelled), trip_views(session, past)
        )


@dataclass(frozen=True)
class PlanningChoices:
    children: list[tuple[int, str]]
    homes: list[tuple[int, str]]
    schools: list[tuple[int, str]]
    remaining: str


def planning_choices(actor: Actor) -> PlanningChoices:
    with session_scope() as session:
        account = member_account(session, actor)
        children = session.exec(
            select(Beneficiary)
            .where(Beneficiary.contract_id == account.contract_id, Beneficiary.relation == "enfant")
            .order_by(Beneficiary.birth_date)
        ).all()
        addresses = session.exec(
            select(Address)
            .where(Address.account_id == account.id, Address.deleted_at.is_(None))
            .order_by(Address.label)
        ).all()
        entitlements = session.exec(
            select(Entitlement)
            .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
            .where(
                AssistanceFile.contract_id == account.contract_id,
                AssistanceFile.status == "open",
                Entitlement.service == SERVICE,
            )
        ).all()
        remaining = sum(max(e.quantity - e.used, 0) for e in entitlements)
        until = max((e.valid_to for e in entitlements), default=None)
        summary = f"{counted(remaining, 'trajet restant')} jusqu'au {long_date(until)}" if entitlements else ""
        return PlanningChoices(
            children=[(c.id, c.first_name) for c in children],
            homes=[(a.id, a.label) for a in addresses if a.kind == "domicile"],
            schools=[(a.id, a.label) for a in addresses if a.kind in SCHOOL_KINDS],
            remaining=summary,
        )


def calendar_file(actor: Actor) -> str:
    """The trips to come as an iCalendar file (.ics), times in Europe/Paris (domain.calendar_files)."""
    upcoming, _past = list_trips(actor)
    return calendar_files.trips_calendar(upcoming)
