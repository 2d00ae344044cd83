"""Builders for the address and school-transport tests: addresses, a transport entitlement, trip requests.

The domain takes an actor, resolved by the road once per request. A test that moves the frozen clock past
the 30 idle minutes logs in again (`relogin`, `relogin_adviser`), as the person would: it gets the actor a
request would resolve at that moment.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import AssistanceFile, Beneficiary, Entitlement, Trip
from portal_app.domain import addresses, assistance_files, trips
from portal_app.domain.addresses import AddressInput
from portal_app.domain.assistance_files import EntitlementInput

from .advisers_support import Adviser, contract_id
from .support import ContractSpec, Member, login

PARIS = ZoneInfo("Europe/Paris")
MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


def paris(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock moment in Paris (the frozen clock converts it to UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def relogin(member: Member) -> Member:
    """The same member with a new session (`.token` holds the actor the road would resolve now)."""
    return Member(member.contract, member.email, member.password, login(member.email))


# --- addresses ------------------------------------------------------------------------------------


def address_input(**changes) -> AddressInput:
    """Claire's home in Paris 11e unless told otherwise."""
    values = {
        "label": "Maison",
        "kind": "domicile",
        "street_number": "12",
        "street": "rue Oberkampf",
        "postcode": "75011",
        "city": "Paris",
        "complement": "",
    }
    values.update(changes)
    return AddressInput(**values)


def add_home(member: Member, **changes) -> int:
    return addresses.add_address(member.token, address_input(**changes)).address_id


def add_school(member: Member, **changes) -> int:
    """A primary school in Paris 11e (zone C) unless told otherwise."""
    values = {
        "label": "École Jules Ferry",
        "kind": "ecole_primaire",
        "street_number": "5",
        "street": "rue Saint-Maur",
        "postcode": "75011",
        "city": "Paris",
    }
    values.update(changes)
    return addresses.add_address(member.token, address_input(**values)).address_id


LYON_SCHOOL = {
    "label": "Collège Jean Moulin",
    "kind": "college",
    "street_number": "1",
    "street": "place des Terreaux",
    "postcode": "69001",
    "city": "Lyon",
}


# --- contract people and entitlements -------------------------------------------------------------


def beneficiary_id(contract: ContractSpec, first_name: str) -> int:
    cid = contract_id(contract.number)
    with session_scope() as session:
        return session.exec(
            select(Beneficiary.id).where(Beneficiary.contract_id == cid, Beneficiary.first_name == first_name)
        ).one()


def open_transport(
    adviser: Adviser,
    contract: ContractSpec,
    quantity: int = 100,
    start: str = "2026-11-02",
    end: str = "2027-07-02",
    event_date: str = "2026-10-20",
) -> int:
    """An assistance file granting `quantity` school trips over [start, end]; returns the entitlement's id."""
    cid = contract_id(contract.number)
    child = next(p[2] for p in contract.people if p[0] == "enfant")
    reference = assistance_files.open_file(
        adviser.token,
        cid,
        beneficiary_id(contract, child),
        "hospitalisation",
        event_date,
        [EntitlementInput("transport_scolaire", str(quantity), "trajets", start, end)],
    )
    with session_scope() as session:
        return session.exec(
            select(Entitlement.id)
            .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
            .where(AssistanceFile.reference == reference)
        ).one()


def entitlement(entitlement_id: int) -> Entitlement:
    with session_scope() as session:
        return session.get(Entitlement, entitlement_id)


def trip_rows(*conditions) -> list[Trip]:
    with session_scope() as session:
        return list(session.exec(select(Trip).where(*conditions).order_by(Trip.trip_date, Trip.direction)).all())


def live_trips(*conditions) -> list[Trip]:
    return trip_rows(Trip.status != "cancelled", *conditions)


# --- trip requests --------------------------------------------------------------------------------


def request(
    child: int,
    home: int,
    school: int,
    date_from: str,
    date_to: str = "",
    *,
    directions: tuple[str, ...] = ("aller",),
    weekdays: tuple[int, ...] = MONDAY_TO_FRIDAY,
    outward_time: str = "08:15",
    return_time: str = "16:30",
    notes: str = "",
) -> trips.TripRequest:
    return trips.TripRequest(
        child_id=child,
        home_address_id=home,
        school_address_id=school,
        directions=directions,
        date_from=date_from,
        date_to=date_to or date_from,
        weekdays=weekdays,
        outward_time=outward_time,
        return_time=return_time,
        notes=notes,
    )


def days(plan: trips.Plan) -> list[date]:
    return [d.day for d in plan.days]


def skipped(plan: trips.Plan) -> dict[date, str]:
    return {s.day: s.reason for s in plan.skipped}
