"""Cancelling several trips at once: a child's trips between two dates (a whole series, a week of illness).

The member sees first what would be cancelled (the preview), then confirms; the confirmation cancels exactly
the trips the preview showed, or nothing if they changed meanwhile. Trips past their 18:00 deadline cannot be
cancelled online: the preview lists them apart, with the platform's number on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Beneficiary, Trip
from portal_app.domain import audit
from portal_app.domain.actors import Actor
from portal_app.domain.addresses import member_account
from portal_app.domain.errors import ValidationError
from portal_app.domain.formatting import counted
from portal_app.domain.trips import LIVE, TripView, is_open_for_changes, release, trip_views

CHANGED_MEANWHILE = "Vos trajets ont changé entre-temps : vérifiez la liste ci-dessous avant d'annuler."
MAX_DAYS = 366


@dataclass(frozen=True)
class CancellationPreview:
    cancellable: list[TripView]
    too_late: list[TripView]  # within 18:00 the day before, or today: only the platform can cancel them

    @property
    def summary(self) -> str:
        if not self.cancellable:
            return "Aucun trajet ne peut être annulé en ligne sur cette période."
        return f"{counted(len(self.cancellable), 'trajet sera annulé', 'trajets seront annulés')}."


def _dates(date_from: str, date_to: str) -> tuple[date, date]:
    errors: dict[str, str] = {}
    parsed: dict[str, date] = {}
    for name, raw in (("cancel_from", date_from), ("cancel_to", date_to or date_from)):
        try:
            parsed[name] = date.fromisoformat((raw or "").strip())
        except ValueError:
            errors[name] = "Indiquez une date valide."
    if not errors and parsed["cancel_to"] < parsed["cancel_from"]:
        errors["cancel_to"] = "La date de fin doit être après la date de début."
    elif not errors and (parsed["cancel_to"] - parsed["cancel_from"]).days > MAX_DAYS:
        errors["cancel_to"] = "Une période d'un an au plus."
    if errors:
        raise ValidationError.many(errors)
    return parsed["cancel_from"], parsed["cancel_to"]


def _live_trips(session, actor: Actor, child_id: int, date_from: str, date_to: str) -> tuple[object, list[Trip]]:
    account = member_account(session, actor)
    child = get_by_id(session, Beneficiary, child_id)
    if child is None or child.contract_id != account.contract_id:
        raise ValidationError("cancel_child", "Choisissez l'enfant dont les trajets sont à annuler.")
    first, last = _dates(date_from, date_to)
    trips = session.exec(
        select(Trip)
        .where(
            Trip.account_id == account.id,  # by account: a closed account's trips are not this member's
            Trip.beneficiary_id == child.id,
            Trip.status.in_(LIVE),
            Trip.trip_date >= first,
            Trip.trip_date <= last,
        )
        .order_by(Trip.trip_date, Trip.pickup_time)
    ).all()
    return account, list(trips)


def preview(actor: Actor, child_id: int, date_from: str, date_to: str) -> CancellationPreview:
    with session_scope() as session:
        _account, trips = _live_trips(session, actor, child_id, date_from, date_to)
        views = dict(zip([t.id for t in trips], trip_views(session, trips), strict=True))
        return CancellationPreview(
            cancellable=[views[t.id] for t in trips if is_open_for_changes(t.trip_date)],
            too_late=[views[t.id] for t in trips if not is_open_for_changes(t.trip_date)],
        )


def cancel(actor: Actor, child_id: int, date_from: str, date_to: str, expected_ids: list[int]) -> int:
    """Cancel the previewed trips (their ids, as the preview gave them): all of them, or none if they changed."""
    with session_scope() as session:
        account, trips = _live_trips(session, actor, child_id, date_from, date_to)
        cancellable = [t for t in trips if is_open_for_changes(t.trip_date)]
        if not cancellable:
            raise ValidationError("general", "Aucun trajet ne peut être annulé en ligne sur cette période.")
        if sorted(t.id for t in cancellable) != sorted(i for i in expected_ids if isinstance(i, int)):
            raise ValidationError("general", CHANGED_MEANWHILE)
        for trip in cancellable:
            release(session, trip)
        audit.record(
            session,
            "trips_cancelled",
            account,
            target_type="beneficiary",
            target_id=child_id,
            member_account_id=account.id,
            contract_id=account.contract_id,
            detail=counted(len(cancellable), "trajet"),
        )
        return len(cancellable)
